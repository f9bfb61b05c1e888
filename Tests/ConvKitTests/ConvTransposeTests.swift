import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats

/// The transposed convolution against PyTorch's `conv_transpose2d` and its gradients
/// (`Scripts/fixtures/make_torch_transpose_fixtures.py`), on every algorithm, both layouts,
/// Float and Double; a numerical gradient check; and the errors.
@Suite struct ConvTransposeTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let key: String
        let stride: [Int]
        let padding: [Int]
        let output_padding: [Int]
        let dilation: [Int]
        let groups: Int
        let bias: Bool
        var testDescription: String { key }
    }

    struct Manifest: Decodable { let cases: [Case] }

    static let cases: [Case] =
        (try? PeerFixtures.decode(Manifest.self, from: "torch_conv_transpose.json").cases) ?? []
    static let arrays = Result { try NPZ.read(contentsOf: PeerFixtures.url("torch_conv_transpose.npz")) }

    @Test func manifestLoads() throws {
        let manifest = try PeerFixtures.decode(Manifest.self, from: "torch_conv_transpose.json")
        #expect(manifest.cases.count == 7)
    }

    @Test(arguments: cases, ConvAlgorithm.allCases)
    func matchesPyTorch(_ c: Case, algorithm: ConvAlgorithm) throws {
        try check(c, algorithm: algorithm, layout: .nchw, Double.self, tolerance: 1e-13)
        try check(c, algorithm: algorithm, layout: .nhwc, Double.self, tolerance: 1e-13)
        try check(c, algorithm: algorithm, layout: .nhwc, Float.self, tolerance: 1e-5)
        try check(c, algorithm: algorithm, layout: .nchw, Float.self, tolerance: 1e-5)
    }

    func check<T: ConvKitFloat>(
        _ c: Case, algorithm: ConvAlgorithm, layout: TensorLayout, _ type: T.Type, tolerance: T
    ) throws {
        // The fixtures are NCHW, the weight (C, K/G, R, S); NHWC takes (R, S, K/G, C).
        let activation = { (t: Tensor<T>) in layout == .nchw ? t : try t.transposed([0, 2, 3, 1]) }
        let weightIn = { (t: Tensor<T>) in layout == .nchw ? t : try t.transposed([2, 3, 1, 0]) }
        let x = try activation(Self.arrays.floats("\(c.key)__x", T.self))
        let w = try weightIn(Self.arrays.floats("\(c.key)__w", T.self))
        let b = c.bias ? try Self.arrays.floats("\(c.key)__b", T.self) : nil
        let options = Conv2DOptions(
            stride: try peerSize2D(c.stride), padding: .symmetric(height: c.padding[0], width: c.padding[1]),
            dilation: try peerSize2D(c.dilation), groups: c.groups, layout: layout, algorithm: algorithm)
        let (y, cache) = try conv2dTransposeForward(
            x, weight: w, bias: b, options: options, outputPadding: try peerSize2D(c.output_padding))
        let what = "\(c.key) \(algorithm) \(layout) \(T.self)"
        expectPeerClose(y, try activation(Self.arrays.floats("\(c.key)__y", T.self)), tolerance: tolerance, "\(what) y")
        let grads = try conv2dTransposeBackward(try activation(Self.arrays.floats("\(c.key)__dy", T.self)), cache: cache)
        expectPeerClose(grads.input, try activation(Self.arrays.floats("\(c.key)__dx", T.self)), tolerance: tolerance, "\(what) dx")
        expectPeerClose(grads.weight, try weightIn(Self.arrays.floats("\(c.key)__dw", T.self)), tolerance: tolerance, "\(what) dw")
        if c.bias {
            let db = try #require(grads.bias, "\(what): no bias gradient")
            expectPeerClose(db, try Self.arrays.floats("\(c.key)__db", T.self), tolerance: tolerance, "\(what) db")
        } else {
            #expect(grads.bias == nil)
        }
    }

    /// Central differences of `Σ y · g` against the analytic gradients, in Double, on a case
    /// with stride, dilation, groups and output padding at once.
    @Test func numericalGradients() throws {
        var rng = NumPyRandomState(seed: 3)
        let input = try rng.randn(2, 3, 3, 4)
        let weight = try rng.randn(3, 2, 3, 4)  // (R, S, K/G, C): K = 6 with 2 groups, C = 4
        let bias = try rng.randn(6)
        let options = Conv2DOptions(stride: 2, padding: .symmetric(height: 1, width: 0), dilation: Size2D(height: 1, width: 2),
                                    groups: 2, algorithm: .fast)
        let outputPadding = Size2D(height: 1, width: 1)
        let (y, cache) = try conv2dTransposeForward(input, weight: weight, bias: bias, options: options, outputPadding: outputPadding)
        let g = try rng.randn(y.shape)
        let grads = try conv2dTransposeBackward(g, cache: cache)
        func loss(_ input: Tensor<Double>, _ weight: Tensor<Double>, _ bias: Tensor<Double>) throws -> Double {
            let (y, _) = try conv2dTransposeForward(input, weight: weight, bias: bias, options: options, outputPadding: outputPadding)
            return zip(y.scalars, g.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let h = 1e-6
        for (name, tensor, analytic) in [("input", input, grads.input), ("weight", weight, grads.weight), ("bias", bias, try #require(grads.bias))] {
            for i in Swift.stride(from: 0, to: tensor.scalars.count, by: max(1, tensor.scalars.count / 17)) {
                var plus = tensor, minus = tensor
                plus.scalars[i] += h
                minus.scalars[i] -= h
                let args = { (t: Tensor<Double>) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>) in
                    name == "input" ? (t, weight, bias) : name == "weight" ? (input, t, bias) : (input, weight, t)
                }
                let (p, m) = (args(plus), args(minus))
                let numeric = (try loss(p.0, p.1, p.2) - loss(m.0, m.1, m.2)) / (2 * h)
                #expect(abs(numeric - analytic.scalars[i]) <= 1e-6 * max(1, abs(numeric)), "\(name)[\(i)]: \(numeric) vs \(analytic.scalars[i])")
            }
        }
    }

    @Test func refusesWhatItCannotDo() throws {
        let x = try Tensor<Float>(zeros: [1, 4, 4, 2])
        let w = try Tensor<Float>(zeros: [3, 3, 5, 2])
        func refuses(_ message: String, _ body: () throws -> Void) {
            #expect(throws: ConvKitError("conv2dTransposeForward", message)) { try body() }
        }
        refuses("outputPadding's height must be in 0..<max(stride, dilation) = 0..<2, got 2") {
            _ = try conv2dTransposeForward(x, weight: w, options: Conv2DOptions(stride: 2), outputPadding: Size2D(height: 2, width: 0))
        }
        refuses("a transposed convolution pads with zeros only, got paddingMode reflect") {
            _ = try conv2dTransposeForward(x, weight: w, options: Conv2DOptions(paddingMode: .reflect))
        }
        refuses("padding same depends on the output size; give explicit pads") {
            _ = try conv2dTransposeForward(x, weight: w, options: Conv2DOptions(padding: .same))
        }
        refuses("weight expects 3 input channels but input has 2 (input [1, 4, 4, 2], weight [3, 3, 5, 3])") {
            _ = try conv2dTransposeForward(x, weight: try Tensor<Float>(zeros: [3, 3, 5, 3]))
        }
        refuses("the output's height would be -4: the padding removes more than the input spreads to (input [1, 4, 4, 2], weight [3, 3, 5, 2])") {
            _ = try conv2dTransposeForward(x, weight: w, options: Conv2DOptions(padding: 5))
        }
        refuses("bias has shape [2] but the output has 5 channels, expected [5] (input [1, 4, 4, 2], weight [3, 3, 5, 2])") {
            _ = try conv2dTransposeForward(x, weight: w, bias: try Tensor<Float>(zeros: [2]))
        }
        #expect(throws: ConvKitError.self) {
            _ = try conv2dTransposeForward(x, weight: w, options: Conv2DOptions(stride: Size2D(height: Int.max / 2, width: 1)))
        }
        let (_, cache) = try conv2dTransposeForward(x, weight: w)
        #expect(throws: ConvKitError(
            "conv2dTransposeBackward",
            "gradOutput has shape [1, 4, 4, 5] but the forward output had [1, 6, 6, 5] (input [1, 4, 4, 2], weight [3, 3, 5, 2])")) {
            _ = try conv2dTransposeBackward(try Tensor<Float>(zeros: [1, 4, 4, 5]), cache: cache)
        }
    }
}
