import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitNN
@testable import ConvKitONNX

/// Sequential models exported to ONNX and read back by ConvKit's own importer give the model's
/// logits bit for bit (to rounding when batch normalisation is folded) (Scripts/check-onnx-export.py checks the same files in ONNX Runtime).
@Suite struct ONNXExportTests {
    static let specs = [
        "digits", "mnist",
        "conv 6 3x3 same, batchnorm, relu, maxpool 2, conv 8 3x3 stride 2 pad 1, leakyrelu 0.1, avgpool 2, dropout 0.5, flatten, dense 16, relu, dense 10",
        "conv 4 3x3 samelower nobias, relu, conv 4 2x3 pad 1 0 2 1, relu, globalavgpool, dense 3 nobias",
    ]

    @Test(arguments: specs)
    func roundTripGivesTheSameLogits(_ text: String) throws {
        let spec = text == "digits" ? ModelSpec.digits : text == "mnist" ? ModelSpec.mnist : try ModelSpec.parse(text)
        let inputShape = spec.inputShape ?? [12, 10, 2]
        var model = try Sequential<Float>(spec, inputShape: inputShape, seed: 7)
        var rng = NumPyRandomState(seed: 3)
        let x = try rng.randn([3] + inputShape).map { Float($0) }
        // A training step's statistics make the batch-norm buffers differ from their defaults.
        _ = try model.forward(x, training: true)
        let want = try model.forward(x, training: false)
        let nchw = try x.transposed([0, 3, 1, 2])
        // Bit for bit with the exact rewrites; to rounding with batch normalisation folded.
        for (optimization, tolerance) in [(ONNXGraphOptimization.exact, Float(0)), (.all, 1e-5)] {
            let onnx = try ONNXModel(data: try model.onnxModel(), optimization: optimization)
            #expect(onnx.inputNames == ["input"] && onnx.outputNames == ["logits"])
            let got = try #require(try onnx.run(["input": .float32(nchw)])["logits"])
            guard case .float32(let logits) = got else { Issue.record("logits are \(got.dtype)"); return }
            #expect(logits.shape == want.shape)
            let difference = zip(logits.scalars, want.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
            if tolerance == 0 {
                #expect(logits.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(text): largest difference \(difference)")
            } else {
                #expect(difference <= tolerance, "\(text), \(optimization): largest difference \(difference)")
            }
        }
    }

    @Test func refusesOldOpsets() throws {
        let model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        #expect(throws: ConvKitError("Sequential.onnxModel", "opset must be in 13...23, got 12")) { _ = try model.onnxModel(opset: 12) }
    }
}
