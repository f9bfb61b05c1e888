import Testing
@testable import ConvKitCore

/// The inference engine's forward convolution (a weight packed at load, a residual Add and a ReLU
/// applied block by block) against conv2dForward followed by the separate operations, bit for bit.
@Suite struct ConvPrepackedTests {
    struct Case: CustomStringConvertible, Sendable {
        let input: [Int]  // N, H, W, C
        let weight: [Int]  // R, S, C/G, K
        let groups: Int
        let stride: Int
        let padding: Padding
        /// Whether the weight is transformed for Winograd at load (as the ONNX loader does for the
        /// convolutions `.fast` computes with it).
        var winograd = false
        var description: String { "x \(input) w \(weight) groups \(groups) stride \(stride) winograd \(winograd)" }
    }

    static let cases = [
        Case(input: [2, 9, 8, 3], weight: [3, 3, 3, 16], groups: 1, stride: 1, padding: .same),  // first-layer kernels
        Case(input: [1, 7, 7, 64], weight: [1, 1, 64, 70], groups: 1, stride: 1, padding: .valid),
        Case(input: [2, 10, 9, 16], weight: [3, 3, 8, 12], groups: 2, stride: 2, padding: .uniform(1)),
        Case(input: [3, 5, 6, 40], weight: [3, 2, 40, 33], groups: 1, stride: 1, padding: .explicit(top: 1, bottom: 0, left: 2, right: 1)),
        // Winograd: transformed at load, or from panels packed without it.
        Case(input: [2, 9, 7, 20], weight: [3, 3, 20, 35], groups: 1, stride: 1, padding: .uniform(1), winograd: true),
        Case(input: [1, 6, 5, 16], weight: [3, 3, 16, 16], groups: 1, stride: 1, padding: .valid),
    ]

    @Test(arguments: cases, [(false, false), (false, true), (true, false), (true, true)])
    func matchesSeparateOperations(_ c: Case, _ flags: (residual: Bool, relu: Bool)) throws {
        var rng = NumPyRandomState(seed: 21)
        let x = try rng.randn(c.input).map { Float($0) }
        let w = try rng.randn(c.weight).map { Float($0) }
        let bias = try rng.randn([c.weight[3]]).map { Float($0) }
        let options = Conv2DOptions(stride: .init(height: c.stride, width: c.stride), padding: c.padding, groups: c.groups, layout: .nhwc)
        let plain = try conv2dForward(x, weight: w, bias: bias, options: options).output
        let residual = flags.residual ? try rng.randn(plain.shape).map { Float($0) } : nil
        var want = plain.scalars
        if let residual { want = zip(want, residual.scalars).map { $0 + $1 } }
        if flags.relu { want = want.map { max($0, 0) } }
        let packed = try Conv2DPackedWeight(rsck: w, groups: c.groups, winograd: c.winograd)
        #expect(packed.isWinograd == c.winograd)
        let got = try conv2dForwardPrepacked(
            x, weight: packed, bias: bias, options: options, epilogue: Conv2DEpilogue(residual: residual, relu: flags.relu))
        #expect(got.shape == plain.shape)
        #expect(got.scalars.map(\.bitPattern) == want.map(\.bitPattern))
    }

    /// A small image under a large weight (batch 1): the threads split the output channels, with
    /// the result of one thread bit for bit, and the loops' to rounding; the prepacked call with a
    /// residual and a ReLU on each part agrees.
    @Test func fewRowsSplitTheOutputChannels() throws {
        var rng = NumPyRandomState(seed: 23)
        let x = try rng.randn(1, 7, 7, 512).map { Float($0) }
        let w = try rng.randn(1, 1, 512, 520).map { Float($0) }
        let bias = try rng.randn([520]).map { Float($0) }
        let one = try conv2dForward(x, weight: w, bias: bias, options: Conv2DOptions(threads: 1)).output
        let two = try conv2dForward(x, weight: w, bias: bias, options: Conv2DOptions(threads: 2)).output
        #expect(one == two)
        let reference = try conv2dForward(x, weight: w, bias: bias, options: Conv2DOptions(algorithm: .reference)).output
        #expect(try #require(two.relativeError(to: reference)) < 1e-5)
        let residual = try rng.randn(two.shape).map { Float($0) }
        let packed = try Conv2DPackedWeight(rsck: w, groups: 1)
        let fused = try conv2dForwardPrepacked(
            x, weight: packed, bias: bias, options: Conv2DOptions(threads: 2), epilogue: Conv2DEpilogue(residual: residual, relu: true))
        #expect(fused.scalars.map(\.bitPattern) == zip(two.scalars, residual.scalars).map { max($0 + $1, 0).bitPattern })
    }

    /// A weight transformed for Winograd under one instruction set, called under another: its
    /// matrices are re-laid for that set's panels, and the result is that set's conv2dForward.
    @Test func winogradWeightServesEveryInstructionSet() throws {
        var rng = NumPyRandomState(seed: 22)
        let x = try rng.randn(2, 8, 9, 24).map { Float($0) }
        let w = try rng.randn(3, 3, 24, 40).map { Float($0) }
        let options = Conv2DOptions(padding: 1)
        let packed = try Conv2DPackedWeight(rsck: w, groups: 1, winograd: true)
        for isa in KernelISA.supported {
            try KernelISA.withActive(isa) {
                let want = try conv2dForward(x, weight: w, bias: nil, options: options).output
                let got = try conv2dForwardPrepacked(x, weight: packed, bias: nil, options: options, epilogue: Conv2DEpilogue())
                #expect(got == want, "\(isa)")
            }
        }
        #expect(throws: ConvKitError("conv2dForwardPrepacked", "the weight was transformed for Winograd, which these options (3 × 3, stride (2, 2), dilation (1, 1)) do not choose")) {
            _ = try conv2dForwardPrepacked(x, weight: packed, bias: nil, options: Conv2DOptions(stride: 2, padding: 1), epilogue: Conv2DEpilogue())
        }
    }

    @Test func refusesWhatItCannotRun() throws {
        let w = try Tensor<Float>(zeros: [3, 3, 4, 8])
        let x = try Tensor<Float>(zeros: [1, 5, 5, 4])
        let packed = try Conv2DPackedWeight(rsck: w, groups: 1)
        #expect(throws: ConvKitError("conv2dForwardPrepacked", "options must be NHWC and fast with the packed weight's 1 groups")) {
            _ = try conv2dForwardPrepacked(x, weight: packed, bias: nil, options: Conv2DOptions(layout: .nchw), epilogue: Conv2DEpilogue())
        }
        #expect(throws: ConvKitError("conv2dForwardPrepacked", "residual [1, 5, 5, 8] is not shaped like the output [1, 3, 3, 8]")) {
            _ = try conv2dForwardPrepacked(
                x, weight: packed, bias: nil, options: Conv2DOptions(layout: .nhwc),
                epilogue: Conv2DEpilogue(residual: try Tensor(zeros: [1, 5, 5, 8])))
        }
        #expect(throws: ConvKitError("Conv2DPackedWeight", "weight [3, 3, 4, 8] with 3 groups: expected (R, S, C/G, K) with K a multiple of the groups")) {
            _ = try Conv2DPackedWeight(rsck: w, groups: 3)
        }
    }
}
