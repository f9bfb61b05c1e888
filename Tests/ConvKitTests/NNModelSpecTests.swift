import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The model-spec grammar: parsing, canonical text round trips, presets and error messages.
@Suite struct NNModelSpecTests {
    @Test func parsesTheBriefsExample() throws {
        let spec = try ModelSpec.parse(
            "conv 16 3x3 same, relu, maxpool 2, conv 32 3x3 same, relu, maxpool 2, flatten, dense 10")
        #expect(spec.inputShape == nil)
        #expect(spec.layers == ModelSpec.digits.layers)
        #expect(spec.description == "conv 16 3x3 same, relu, maxpool 2, conv 32 3x3 same, relu, maxpool 2, flatten, dense 10")
    }

    @Test func presets() throws {
        #expect(try ModelSpec.parse("digits") == ModelSpec.digits)
        #expect(try ModelSpec.parse(" MNIST ") == ModelSpec.mnist)
        #expect(ModelSpec.digits.description
            == "input 8x8x1, conv 16 3x3 same, relu, maxpool 2, conv 32 3x3 same, relu, maxpool 2, flatten, dense 10")
        #expect(ModelSpec.mnist.description
            == "input 28x28x1, conv 32 3x3 valid, relu, maxpool 2, conv 64 3x3 valid, relu, maxpool 2, flatten, dense 10")
        for name in ModelSpec.presetNames {
            let preset = try #require(ModelSpec.preset(named: name))
            #expect(try ModelSpec.parse(preset.description) == preset)
        }
    }

    @Test func everyFormRoundTrips() throws {
        let text = "input 12x10x3, conv 8 5x3 stride 2 pad 1 nobias, batchnorm, leakyrelu 0.1, conv 4 3x3 stride 2x1 samelower, "
            + "conv 4 3x3 pad 1x2, conv 4 1x1 pad 0 1 1 0, relu, maxpool 3 stride 2, avgpool 2x1, globalavgpool, "
            + "dropout 0.5, dense 7 nobias, batchnorm momentum 0.01 eps 0.001, dense 3"
        let spec = try ModelSpec.parse(text)
        #expect(spec.description == text)
        #expect(try ModelSpec.parse(spec.description) == spec)
        #expect(spec.layers[0] == .conv2d(filters: 8, kernel: Size2D(5, 3), stride: 2, padding: .uniform(1), bias: false))
        #expect(spec.layers[3] == .conv2d(filters: 4, kernel: 3, stride: Size2D(2, 1), padding: .sameLower, bias: true))
        #expect(spec.layers[5] == .conv2d(filters: 4, kernel: 1, stride: 1, padding: .explicit(top: 0, bottom: 1, left: 1, right: 0), bias: true))
        #expect(spec.layers[7] == .maxPool(window: 3, stride: 2))
    }

    @Test func defaultsAndAliases() throws {
        let spec = try ModelSpec.parse("Conv 4 3, LeakyReLU, batchnorm, linear 2")
        #expect(spec.layers == [
            .conv2d(filters: 4, kernel: 3, stride: 1, padding: .valid, bias: true), .leakyReLU(alpha: 0.01),
            .batchNorm(momentum: 0.1, epsilon: 1e-5), .dense(units: 2, bias: true),
        ])
        #expect(spec.description == "conv 4 3x3 valid, leakyrelu 0.01, batchnorm, dense 2")
    }

    static let errorCases: [(String, String)] = [
        ("conv 16 3x, relu", "model spec: 'conv 16 3x' at item 1: expected a kernel like 3x3"),
        ("relu, conv sixteen 3x3", "model spec: 'conv sixteen 3x3' at item 2: expected a number of filters like 16"),
        ("conv 16 3x3 sideways", "model spec: 'conv 16 3x3 sideways' at item 1: expected stride, valid, same, samelower, pad or nobias after the kernel, found 'sideways'"),
        ("conv 16 3x3, pool 2", "model spec: 'pool 2' at item 2: expected a layer (conv, maxpool, avgpool, globalavgpool, relu, leakyrelu, flatten, dense, dropout, batchnorm), found 'pool'"),
        ("dense 10, dropout 1.5", "model spec: 'dropout 1.5' at item 2: expected a rate in [0, 1) like 0.5"),
        ("dense 10,", "model spec: '' at item 2: expected a layer, found an empty item"),
        ("relu 2", "model spec: 'relu 2' at item 1: unexpected '2'"),
        ("maxpool 0", "model spec: 'maxpool 0' at item 1: expected a window like 2 or 2x2"),
        ("dense 10, input 8x8x1", "model spec: 'input 8x8x1' at item 2: the input shape must be the first item"),
        ("input 8x8, dense 1", "model spec: 'input 8x8' at item 1: expected an input shape like 8x8x1 (height x width x channels) or 64"),
        ("input 8x8x1", "model spec: 'input 8x8x1' has no layers"),
        ("conv 4 3x3 pad 1 2", "model spec: 'conv 4 3x3 pad 1 2' at item 1: expected a padding like 1, 1x2 or 0 1 0 1 (top bottom left right)"),
        ("batchnorm momentum 2", "model spec: 'batchnorm momentum 2' at item 1: expected a momentum in [0, 1] like 0.1"),
        ("dense 10 bias", "model spec: 'dense 10 bias' at item 1: expected nobias or the end of the item, found 'bias'"),
    ]

    @Test(arguments: errorCases)
    func errorMessages(_ text: String, _ message: String) {
        #expect(throws: (any Error).self) { try ModelSpec.parse(text) }
        do {
            _ = try ModelSpec.parse(text)
        } catch let error as ConvKitError {
            #expect(error.message == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func emptySpec() throws {
        do {
            _ = try ModelSpec.parse("  ")
            Issue.record("expected an error")
        } catch let error as ConvKitError {
            #expect(error.message.hasPrefix("model spec: the spec is empty"))
        }
    }

    @Test func scheduleParsing() throws {
        for text in ["constant", "step 10 0.5", "cosine 100 0", "cosine 30 1e-05"] {
            #expect(try LearningRateSchedule.parse(text).description == text)
        }
        #expect(try LearningRateSchedule.parse("cosine 5") == .cosine(total: 5, minimum: 0))
        #expect(throws: ConvKitError("learning-rate schedule", "'step 0 0.5': expected 'step EVERY GAMMA' like 'step 10 0.5'")) {
            try LearningRateSchedule.parse("step 0 0.5")
        }
        #expect(throws: ConvKitError("learning-rate schedule", "'linear': expected constant, 'step EVERY GAMMA' or 'cosine TOTAL [MINIMUM]'")) {
            try LearningRateSchedule.parse("linear")
        }
    }
}
