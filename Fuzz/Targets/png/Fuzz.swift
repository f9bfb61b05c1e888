import ConvKit
import Foundation
import FuzzSupport

/// Any bytes as a PNG, and a decoded image resized to a model's input as `convkit predict` does.
@_cdecl("fuzz_png_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    ResourceLimits.maximumBytes = 256 << 20
    if let image = try? PNGImage.decode(Data(bytes: bytes, count: count), source: "fuzz") {
        _ = try? image.toGrayFloats(width: 28, height: 28)
    }
    return 0
}
