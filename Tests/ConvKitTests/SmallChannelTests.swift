import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The direct kernels for few input channels (Float, AVX-512, one group, C ≤ 4) against the
/// reference, on shapes chosen to reach each of their edges.
@Suite struct SmallChannelTests {
    static let cases: [ConvCase] = [
        // mnist-conv1: one channel, two vectors of output channels.
        ConvCase(inputShape: [3, 28, 28, 1], weightShape: [3, 3, 1, 32], hasBias: true, options: Conv2DOptions(padding: 1)),
        // Strides and dilations on both axes, uneven explicit padding, 17 outputs (a partial vector).
        ConvCase(inputShape: [2, 11, 13, 3], weightShape: [5, 3, 3, 17], hasBias: true,
                 options: Conv2DOptions(stride: Size2D(2, 3), padding: .explicit(top: 1, bottom: 2, left: 0, right: 3),
                                        dilation: Size2D(2, 1))),
        // Rows longer than a run of packed taps; 80 outputs (a block of 64 and one of 16).
        ConvCase(inputShape: [1, 5, 300, 4], weightShape: [3, 3, 4, 80], hasBias: false, options: Conv2DOptions(padding: .same)),
        // The ResNet stem's shape in small, with every padding mode.
        ConvCase(inputShape: [2, 20, 18, 3], weightShape: [7, 7, 3, 64], hasBias: true,
                 options: Conv2DOptions(stride: 2, padding: 3, paddingMode: .reflect)),
        ConvCase(inputShape: [2, 9, 10, 2], weightShape: [3, 4, 2, 48], hasBias: true,
                 options: Conv2DOptions(padding: 2, paddingMode: .replicate)),
        ConvCase(inputShape: [2, 9, 10, 3], weightShape: [3, 3, 3, 5], hasBias: true,
                 options: Conv2DOptions(stride: Size2D(1, 2), padding: 1, paddingMode: .circular)),
        // cifar-conv5x5 in small: 75 taps and the bias leave 4 rows after tiles of 12 (a tile of 6).
        ConvCase(inputShape: [2, 8, 8, 3], weightShape: [5, 5, 3, 32], hasBias: true, options: Conv2DOptions(padding: 2)),
        // Images smaller than a weight-gradient work item: groups of 24 whole images (the last
        // one short), runs of pixels that go on into the next image.
        ConvCase(inputShape: [40, 6, 7, 3], weightShape: [3, 3, 3, 8], hasBias: true, options: Conv2DOptions(padding: 1)),
        // A 1 × 1 kernel, NCHW, a window that leaves the last input rows and columns unread.
        ConvCase(inputShape: [2, 1, 8, 9], weightShape: [6, 1, 1, 1], hasBias: false, options: Conv2DOptions(layout: .nchw)),
        ConvCase(inputShape: [2, 3, 10, 11], weightShape: [16, 3, 3, 3], hasBias: true,
                 options: Conv2DOptions(stride: 3, layout: .nchw)),
    ]

    @Test func planAppliesToFirstLayersOnly() throws {
        let g = try Conv2DGeometry(
            inputShape: [2, 8, 8, 3], weightShape: [3, 3, 3, 16], biasShape: nil, options: Conv2DOptions(padding: 1),
            elementBytes: 4, function: "test")
        let grouped = try Conv2DGeometry(
            inputShape: [2, 8, 8, 4], weightShape: [3, 3, 2, 16], biasShape: nil, options: Conv2DOptions(groups: 2),
            elementBytes: 4, function: "test")
        let wide = try Conv2DGeometry(
            inputShape: [2, 8, 8, 5], weightShape: [3, 3, 5, 16], biasShape: nil, options: Conv2DOptions(),
            elementBytes: 4, function: "test")
        // The direct kernels exist on every instruction set: the plan depends on the shape only.
        for isa in KernelISA.supported {
            let policy = KernelPolicy(isa: isa)
            #expect(SmallChannelPlan(g, paddingMode: .zeros, scalar: Double.self, policy: policy) == nil)
            #expect(SmallChannelPlan(grouped, paddingMode: .zeros, scalar: Float.self, policy: policy) == nil)
            #expect(SmallChannelPlan(wide, paddingMode: .zeros, scalar: Float.self, policy: policy) == nil)
            let plan = try #require(SmallChannelPlan(g, paddingMode: .zeros, scalar: Float.self, policy: policy))
            #expect(plan.isa == isa.code)
            // Tap (r, s, c) = (1, 2, 2): one padded row of 3 lines of 10 columns down, line 2, column 2.
            #expect(plan.offsets[(1 * 3 + 2) * 3 + 2] == 30 + 2 * 10 + 2)
            #expect(plan.rowMap.prefix(3) == [-1, 0, 24])
        }
    }

    @Test(arguments: cases)
    func agreesWithReference(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 12)
        let x = try rng.randn(c.inputShape).map { Float($0) }
        let w = try rng.randn(c.weightShape).map { Float($0) }
        let k = c.options.layout == .nhwc ? c.weightShape[3] : c.weightShape[0]
        let b = c.hasBias ? try rng.randn([k]).map { Float($0) } : nil
        var reference = c.options
        reference.algorithm = .reference
        let (expectedY, referenceCache) = try conv2dForward(x, weight: w, bias: b, options: reference)
        let dy = try rng.randn(expectedY.shape).map { Float($0) }
        let expected = try conv2dBackward(dy, cache: referenceCache)
        for threads in [1, 2] {
            var options = c.options
            options.threads = threads
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
            let got = try conv2dBackward(dy, cache: cache)
            #expect(try #require(y.relativeError(to: expectedY)) < 1e-5, "forward")
            #expect(try #require(got.input.relativeError(to: expected.input)) < 1e-5, "input")
            #expect(try #require(got.weight.relativeError(to: expected.weight)) < 1e-5, "weight")
            if let bias = expected.bias {
                #expect(try #require(got.bias?.relativeError(to: bias)) < 1e-5, "bias")
            }
        }
    }
}
