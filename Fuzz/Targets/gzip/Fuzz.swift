import ConvKit
import Foundation
import FuzzSupport

/// Any bytes as gzip and as zlib data, inflated to at most 64 MB.
@_cdecl("fuzz_gzip_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    let data = Data(bytes: bytes, count: count)
    _ = try? Gzip.inflate(data, source: "fuzz", limit: 64 << 20)
    _ = try? Gzip.inflateZlib(data, source: "fuzz", limit: 64 << 20)
    return 0
}
