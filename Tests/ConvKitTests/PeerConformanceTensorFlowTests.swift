import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// ConvKit against TensorFlow's hard-coded Conv2D expectations (NHWC), copied from
/// `tensorflow/python/kernel_tests/nn_ops/conv_ops_test.py` and
/// `tensorflow/compiler/tests/conv2d_test.py` into `Scripts/fixtures/tf_conv_cases.json`;
/// `Scripts/fixtures/make_tf_fixtures.py` checks them and writes `Fixtures/peers/tf_conv.json`.
///
/// As in TensorFlow's helpers, the input is `1…N`, the filter `1…M` and the upstream gradient
/// `1…P`. `backpropInput` cases check ∂L/∂input, `backpropFilter` ∂L/∂filter; the explicit-padding
/// cases (whose numbers TensorFlow computes as `tf.pad` + VALID) check all three.
@Suite("Peer conformance: TensorFlow")
struct PeerConformanceTensorFlowTests {
    static let cases = PeerFixtures.tensorflow?.cases ?? []

    @Test func manifestLoads() throws {
        let manifest = try PeerFixtures.decode(TFManifest.self, from: "tf_conv.json")
        #expect(manifest.cases.count >= 80)
        #expect(Set(manifest.cases.map(\.kind)) == ["forward", "backpropInput", "backpropFilter", "explicitPadding"])
        #expect(manifest.cases.contains { $0.name.hasSuffix("testConv2D1x2FilterStride3Width5") })
        #expect(manifest.cases.contains { $0.name.hasSuffix("testConv2DKernelSmallerThanStrideSame#3") })
    }

    func run<T: ConvKitFloat>(_ c: TFCase, _ algorithm: ConvAlgorithm, _ type: T.Type, tolerance: T) throws {
        let x = try peerArange(c.inputShape, T.self)
        let w = try peerArange(c.weightShape, T.self)
        var options = try c.options()
        options.algorithm = algorithm
        let (y, cache) = try conv2dForward(x, weight: w, bias: nil, options: options)
        #expect(y.shape == c.outputShape)
        let grads = try conv2dBackward(try peerArange(c.outputShape, T.self), cache: cache)
        #expect(grads.input.shape == c.inputShape)
        #expect(grads.weight.shape == c.weightShape)
        #expect(grads.bias == nil)

        func expected(_ values: [Double]?, _ shape: [Int]) throws -> Tensor<T> {
            let values = try #require(values, "\(c.name): expected values missing")
            return try Tensor(shape: shape, scalars: values.map { T($0) })
        }
        switch c.kind {
        case "forward":
            expectPeerClose(y, try expected(c.expected, c.outputShape), tolerance: tolerance, "\(c.name) output")
        case "backpropInput":
            expectPeerClose(grads.input, try expected(c.expected, c.inputShape), tolerance: tolerance, "\(c.name) dx")
        case "backpropFilter":
            expectPeerClose(grads.weight, try expected(c.expected, c.weightShape), tolerance: tolerance, "\(c.name) dw")
        case "explicitPadding":
            expectPeerClose(y, try expected(c.expectedOutput, c.outputShape), tolerance: tolerance, "\(c.name) output")
            expectPeerClose(
                grads.input, try expected(c.expectedInputGradient, c.inputShape), tolerance: tolerance, "\(c.name) dx")
            expectPeerClose(
                grads.weight, try expected(c.expectedFilterGradient, c.weightShape), tolerance: tolerance,
                "\(c.name) dw")
        default:
            Issue.record("\(c.name): unknown kind \(c.kind)")
        }
    }

    @Test("TensorFlow Conv2D, Double", arguments: cases, ConvAlgorithm.allCases)
    func tensorflowDouble(_ c: TFCase, _ algorithm: ConvAlgorithm) throws {
        try run(c, algorithm, Double.self, tolerance: 1e-10)
    }

    @Test("TensorFlow Conv2D, Float", arguments: cases, ConvAlgorithm.allCases)
    func tensorflowFloat(_ c: TFCase, _ algorithm: ConvAlgorithm) throws {
        try run(c, algorithm, Float.self, tolerance: 1e-5)
    }
}
