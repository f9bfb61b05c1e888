import ConvKit
@testable import ConvKitNN
import Foundation
import FuzzSupport

/// Any bytes as an IDX file of rank 1 and 3 (labels, images), raw or gzipped.
@_cdecl("fuzz_idx_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    ResourceLimits.maximumBytes = 256 << 20
    let data = Data(bytes: bytes, count: count)
    for rank in [1, 3] {
        _ = try? IDXFile.decode(data, rank: rank, role: "fuzz", source: "fuzz", function: "fuzz")
    }
    return 0
}
