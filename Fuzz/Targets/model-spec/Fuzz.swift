import ConvKit
import Foundation
import FuzzSupport

/// Any text as a model spec, and the model it describes for a small input. Models up to 16 MB:
/// drawing the initial weights of a 13-million-parameter model took over 10 s in this debug,
/// ASan build (a time proportional to the size the limit allows, not a hang).
@_cdecl("fuzz_model_spec_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = pointer else { return 0 }
    ResourceLimits.maximumBytes = 16 << 20
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    if let spec = try? ModelSpec.parse(text) {
        _ = try? Sequential<Float>(spec, inputShape: spec.inputShape ?? [8, 8, 1], seed: 0)
    }
    return 0
}
