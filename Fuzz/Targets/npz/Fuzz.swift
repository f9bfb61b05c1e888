import ConvKit
import Foundation
import FuzzSupport

/// Any bytes as an `.npz` archive: decoded, or refused with a ConvKitError; never a crash.
@_cdecl("fuzz_npz_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    ResourceLimits.maximumBytes = 256 << 20
    _ = try? NPZ.decode(Data(bytes: bytes, count: count), source: "fuzz")
    return 0
}
