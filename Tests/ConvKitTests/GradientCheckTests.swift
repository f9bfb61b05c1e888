import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The backward passes against central differences of the forward passes, in Double.
@Suite struct GradientCheckTests {
    static let convCases = ConvCase.random(count: 60, seed: 7) + ConvCase.edgeCases
    static let poolCases = PoolCase.random(count: 60, seed: 11)

    @Test(arguments: convCases)
    func convolution(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 3)
        let x = try rng.randn(c.inputShape)
        let weight = try rng.randn(c.weightShape)
        let k = c.options.layout == .nhwc ? c.weightShape[3] : c.weightShape[0]
        let bias = c.hasBias ? try rng.randn([k]) : nil
        let (y, cache) = try conv2dForward(x, weight: weight, bias: bias, options: c.options)
        let dy = try rng.randn(y.shape)
        let gradients = try conv2dBackward(dy, cache: cache)

        let inputError = try GradientCheck.relativeError(of: gradients.input, at: x, weights: dy, rng: &rng) {
            try conv2dForward($0, weight: weight, bias: bias, options: c.options).output
        }
        let weightError = try GradientCheck.relativeError(of: gradients.weight, at: weight, weights: dy, rng: &rng) {
            try conv2dForward(x, weight: $0, bias: bias, options: c.options).output
        }
        #expect(inputError < 1e-6, "input gradient")
        #expect(weightError < 1e-6, "weight gradient")
        if let bias, let biasGradient = gradients.bias {
            let biasError = try GradientCheck.relativeError(of: biasGradient, at: bias, weights: dy, rng: &rng) {
                try conv2dForward(x, weight: weight, bias: $0, options: c.options).output
            }
            #expect(biasError < 1e-6, "bias gradient")
        } else {
            #expect(gradients.bias == nil)
        }
    }

    @Test(arguments: poolCases)
    func pooling(_ c: PoolCase) throws {
        var rng = NumPyRandomState(seed: 5)
        let x = try rng.randn(c.inputShape)
        let (y, cache) = try pool2dForward(x, options: c.options)
        let dy = try rng.randn(y.shape)
        let dx = try pool2dBackward(dy, cache: cache)
        let error = try GradientCheck.relativeError(of: dx, at: x, weights: dy, rng: &rng) {
            try pool2dForward($0, options: c.options).output
        }
        #expect(error < 1e-6)
    }
}

extension ConvCase {
    /// Cases chosen by hand: padding 0 (where two published versions of the exercise break),
    /// strides larger than the kernel, a 1×1 kernel, and each padding mode at its limit.
    static let edgeCases: [ConvCase] = [
        ConvCase(inputShape: [2, 5, 5, 3], weightShape: [3, 3, 3, 4], hasBias: true,
                 options: Conv2DOptions(stride: 2, padding: 0)),
        ConvCase(inputShape: [1, 3, 6, 7], weightShape: [2, 3, 2, 2], hasBias: false,
                 options: Conv2DOptions(stride: Size2D(3, 2), padding: .valid, layout: .nchw)),
        ConvCase(inputShape: [1, 7, 7, 2], weightShape: [1, 1, 2, 3], hasBias: true,
                 options: Conv2DOptions(stride: 3)),
        ConvCase(inputShape: [1, 4, 5, 2], weightShape: [3, 3, 2, 2], hasBias: true,
                 options: Conv2DOptions(padding: .explicit(top: 3, bottom: 0, left: 4, right: 1), paddingMode: .reflect)),
        ConvCase(inputShape: [1, 3, 3, 1], weightShape: [3, 3, 1, 2], hasBias: false,
                 options: Conv2DOptions(padding: 3, paddingMode: .circular)),
        ConvCase(inputShape: [1, 3, 4, 1], weightShape: [2, 2, 1, 1], hasBias: false,
                 options: Conv2DOptions(padding: 4, paddingMode: .replicate, dilation: 2)),
    ]
}
