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
}
