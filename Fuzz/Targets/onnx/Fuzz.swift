import ConvKit
import Foundation
import FuzzSupport

/// Any bytes as an ONNX model: refused with a ConvKitError, or loaded and run on small inputs
/// (zeros of shape [1, 2, 4, 4]; an input of another rank is refused by its operator).
@_cdecl("fuzz_onnx_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    ResourceLimits.maximumBytes = 64 << 20
    guard let model = try? ONNXModel(data: Data(bytes: bytes, count: count), source: "fuzz"),
          let zeros = try? Tensor<Float>(zeros: [1, 2, 4, 4]) else { return 0 }
    _ = try? model.run(Dictionary(uniqueKeysWithValues: model.inputNames.map { ($0, .float32(zeros)) }), threads: 1)
    return 0
}
