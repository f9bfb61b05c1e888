import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// NHWC and NCHW compute the same numbers, up to the transpose.
@Suite struct LayoutEquivalenceTests {
    static let toNCHW = [0, 3, 1, 2]
    static let weightToNCHW = [3, 2, 0, 1]

    @Test(arguments: ConvCase.random(count: 20, seed: 21).filter { $0.options.layout == .nhwc })
    func convolution(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 9)
        let x = try rng.randn(c.inputShape)
        let w = try rng.randn(c.weightShape)
        let b = c.hasBias ? try rng.randn([c.weightShape[3]]) : nil
        var nchwOptions = c.options
        nchwOptions.layout = .nchw
        let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: c.options)
        let (y2, cache2) = try conv2dForward(
            x.transposed(Self.toNCHW), weight: w.transposed(Self.weightToNCHW), bias: b, options: nchwOptions)
        #expect(try y.transposed(Self.toNCHW) == y2)

        let dy = try rng.randn(y.shape)
        let g = try conv2dBackward(dy, cache: cache)
        let g2 = try conv2dBackward(dy.transposed(Self.toNCHW), cache: cache2)
        #expect(try g.input.transposed(Self.toNCHW) == g2.input)
        #expect(try g.weight.transposed(Self.weightToNCHW) == g2.weight)
        #expect(g.bias == g2.bias)
    }

    @Test(arguments: PoolCase.random(count: 20, seed: 23).filter { $0.options.layout == .nhwc })
    func pooling(_ c: PoolCase) throws {
        var rng = NumPyRandomState(seed: 9)
        let x = try rng.randn(c.inputShape)
        var nchwOptions = c.options
        nchwOptions.layout = .nchw
        let (y, cache) = try pool2dForward(x, options: c.options)
        let (y2, cache2) = try pool2dForward(x.transposed(Self.toNCHW), options: nchwOptions)
        #expect(try y.transposed(Self.toNCHW) == y2)
        #expect(try cache.indices?.transposed(Self.toNCHW) == cache2.indices)
        let dy = try rng.randn(y.shape)
        #expect(try pool2dBackward(dy, cache: cache).transposed(Self.toNCHW)
                == pool2dBackward(dy.transposed(Self.toNCHW), cache: cache2))
    }

    /// NCHW pooling runs plane by plane (the plane kernels): the windows inside a row in vectors,
    /// those at its ends one by one. Rows of 75 windows with padding and ceil mode, and the 2 × 2
    /// windows of stride 2 whose gradient is written in pairs (with a padded first column), give
    /// NHWC's outputs, indices and gradients bit for bit, on 1 and 2 threads.
    @Test(arguments: [PoolMode.max, .average], [1, 2])
    func poolingPlanes(_ mode: PoolMode, threads: Int) throws {
        var rng = NumPyRandomState(seed: 31)
        let x = try rng.randn([2, 37, 150, 70]).map { Float($0) }
        let windows = [
            Pool2DOptions(mode, window: Size2D(3, 2), stride: Size2D(2, 2), padding: 1, ceilMode: true),
            Pool2DOptions(mode, window: 2, stride: 2),
            Pool2DOptions(mode, window: 2, stride: 2, padding: .explicit(top: 1, bottom: 0, left: 1, right: 1)),
        ]
        for var options in windows {
            options.returnIndices = mode == .max
            options.threads = threads
            var nchwOptions = options
            nchwOptions.layout = .nchw
            let (y, cache) = try pool2dForward(x, options: options)
            let (y2, cache2) = try pool2dForward(x.transposed(Self.toNCHW), options: nchwOptions)
            #expect(try y.transposed(Self.toNCHW).scalars.map(\.bitPattern) == y2.scalars.map(\.bitPattern))
            #expect(try cache.indices?.transposed(Self.toNCHW) == cache2.indices)
            let dy = try rng.randn(y.shape).map { Float($0) }
            let dx = try pool2dBackward(dy, cache: cache).transposed(Self.toNCHW)
            let dx2 = try pool2dBackward(dy.transposed(Self.toNCHW), cache: cache2)
            #expect(dx.scalars.map(\.bitPattern) == dx2.scalars.map(\.bitPattern))
        }
    }

    /// The NCHW convolutions that read their operands' planes in place (the weight gradient's
    /// dy; a pointwise convolution's input and gradients; the small-channel kernels' input; the
    /// implicit GEMM's input):
    /// images of 1,681 pixels, so that blocks and chunks straddle images, and two reduction
    /// splits; output channels that leave a partial panel; groups; Double too. NHWC's results
    /// bit for bit, on 1 and 2 threads.
    @Test(arguments: [1, 2])
    func convolutionPlanes(threads: Int) throws {
        var rng = NumPyRandomState(seed: 33)
        let cases: [(input: [Int], weight: [Int], options: Conv2DOptions)] = [
            ([3, 41, 41, 20], [1, 1, 20, 37], Conv2DOptions()),
            ([3, 41, 41, 20], [1, 1, 10, 38], Conv2DOptions(groups: 2)),
            ([2, 23, 19, 12], [3, 3, 12, 40], Conv2DOptions(padding: 1)),
            // Winograd (16 channels and more): x and the result converted whole below 16 MiB.
            ([2, 23, 19, 16], [3, 3, 16, 40], Conv2DOptions(padding: 1)),
            ([2, 30, 30, 12], [1, 1, 12, 20], Conv2DOptions(stride: 2)),
            // The small-channel kernels: a run of dy's planes at a time, runs that go on into
            // the next image where images are small.
            ([2, 17, 19, 3], [5, 5, 3, 10], Conv2DOptions(padding: 2)),
            ([40, 6, 5, 1], [3, 3, 1, 8], Conv2DOptions(padding: 1)),
            ([2, 21, 18, 3], [7, 7, 3, 9], Conv2DOptions(stride: 2, padding: 3)),
            ([3, 9, 9, 2], [1, 1, 2, 7], Conv2DOptions()),
            // The implicit GEMM, each block's input rows staged from x's planes: strided, dilated
            // and grouped; blocks that run on into the next image.
            ([3, 17, 15, 8], [3, 3, 4, 12], Conv2DOptions(stride: 2, padding: 2, dilation: 2, groups: 2)),
            ([5, 13, 11, 6], [5, 3, 6, 7], Conv2DOptions(stride: Size2D(1, 2), padding: 1)),
            // Their bands packed from x's planes, through each padding mode's row and column maps.
            ([2, 9, 11, 3], [3, 3, 3, 6], Conv2DOptions(padding: 2, paddingMode: .reflect, dilation: 2)),
            ([2, 8, 7, 4], [3, 2, 4, 5], Conv2DOptions(stride: Size2D(2, 1), padding: 1, paddingMode: .circular)),
        ]
        for (input, weightShape, options) in cases {
            var options = options
            options.threads = threads
            var nchwOptions = options
            nchwOptions.layout = .nchw
            let x = try rng.randn(input).map { Float($0) }
            let w = try rng.randn(weightShape).map { Float($0) }
            let b = try rng.randn([weightShape[3]]).map { Float($0) }
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
            let (y2, cache2) = try conv2dForward(
                x.transposed(Self.toNCHW), weight: w.transposed(Self.weightToNCHW), bias: b, options: nchwOptions)
            #expect(try y.transposed(Self.toNCHW).scalars.map(\.bitPattern) == y2.scalars.map(\.bitPattern))
            let dy = try rng.randn(y.shape).map { Float($0) }
            let g = try conv2dBackward(dy, cache: cache)
            let g2 = try conv2dBackward(dy.transposed(Self.toNCHW), cache: cache2)
            #expect(try g.input.transposed(Self.toNCHW).scalars.map(\.bitPattern) == g2.input.scalars.map(\.bitPattern))
            #expect(try g.weight.transposed(Self.weightToNCHW).scalars.map(\.bitPattern) == g2.weight.scalars.map(\.bitPattern))
            #expect(g.bias?.scalars.map(\.bitPattern) == g2.bias?.scalars.map(\.bitPattern))
        }
        // A bias of −0 with a pixel of zeros and negative weights: NHWC's chain starts at −0 and
        // stays there, so the planes' chain, which starts at +0, must not run.
        var x0 = try rng.randn([1, 3, 3, 8]).map { Float($0) }
        for c in 0..<8 { x0.scalars[c] = 0 }
        let w0 = try rng.randn([1, 1, 8, 6]).map { -abs(Float($0)) }
        let b0 = try Tensor<Float>(shape: [6], scalars: [-0.0, 1, 2, 3, 4, 5])
        let (y0, _) = try conv2dForward(x0, weight: w0, bias: b0, options: Conv2DOptions())
        let (y1, _) = try conv2dForward(
            x0.transposed(Self.toNCHW), weight: w0.transposed(Self.weightToNCHW), bias: b0, options: Conv2DOptions(layout: .nchw))
        #expect(y0.scalars[0].bitPattern == (-0.0 as Float).bitPattern)
        #expect(try y0.transposed(Self.toNCHW).scalars.map(\.bitPattern) == y1.scalars.map(\.bitPattern))

        // Double: the same code through the f64 kernels.
        let x = try rng.randn([2, 20, 20, 9])
        let w = try rng.randn([1, 1, 9, 11])
        let (y, cache) = try conv2dForward(x, weight: w, bias: nil, options: Conv2DOptions(threads: threads))
        let (y2, cache2) = try conv2dForward(
            x.transposed(Self.toNCHW), weight: w.transposed(Self.weightToNCHW), bias: nil,
            options: Conv2DOptions(layout: .nchw, threads: threads))
        #expect(try y.transposed(Self.toNCHW).scalars.map(\.bitPattern) == y2.scalars.map(\.bitPattern))
        let dy = try rng.randn([2, 20, 20, 11])
        let g = try conv2dBackward(dy, cache: cache)
        let g2 = try conv2dBackward(dy.transposed(Self.toNCHW), cache: cache2)
        #expect(try g.input.transposed(Self.toNCHW).scalars.map(\.bitPattern) == g2.input.scalars.map(\.bitPattern))
        #expect(try g.weight.transposed(Self.weightToNCHW).scalars.map(\.bitPattern) == g2.weight.scalars.map(\.bitPattern))
    }
}
