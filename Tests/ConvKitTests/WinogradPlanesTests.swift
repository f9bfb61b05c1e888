import Testing
@testable import ConvKitCore

/// NCHW Winograd convolutions larger than the caches pass each block's rows through scratch
/// (Conv2D+WinogradPlanes.swift): NHWC's results bit for bit, every output element written.
@Suite struct WinogradPlanesTests {
    /// WinogradTests' shapes (half tiles at the edges, negative and asymmetric padding, the
    /// split of the output channels), and one whose blocks start inside a row of tiles and run
    /// on into the next image.
    static let cases = WinogradTests.cases + [(3, 23, 19, 64, 48, Padding.uniform(1))]

    /// Case (n, h, w, c, k, padding)'s 3 × 3 convolution, Winograd chosen.
    static func geometry<T>(_ n: Int, _ h: Int, _ w: Int, _ c: Int, _ k: Int, _ padding: Padding, _: T.Type) throws
        -> Conv2DGeometry
    {
        try Conv2DGeometry(
            inputShape: [n, h, w, c], weightShape: [3, 3, c, k], biasShape: [k],
            options: Conv2DOptions(padding: padding, algorithm: .winograd), elementBytes: MemoryLayout<T>.stride,
            function: "test")
    }

    /// The NCHW run's output against the NHWC run's, transposed: forward and input-gradient
    /// geometries, on every instruction set this CPU has and 1 and 2 threads.
    static func check<T: ConvKitFloat>(_: T.Type, bits: (T) -> UInt64) throws {
        var rng = NumPyRandomState(seed: 41)
        for (n, h, w, c, k, padding) in cases {
            let g = try geometry(n, h, w, c, k, padding, T.self)
            let passes = [
                ("forward", WinogradConvolution(forward: g, paddingMode: .zeros, algorithm: .winograd)),
                ("input gradient", WinogradConvolution(backwardData: g, paddingMode: .zeros, algorithm: .winograd)),
            ]
            for case let (pass, winograd?) in passes {
                let x = try rng.randn(winograd.batch, winograd.height, winograd.width, winograd.inputChannels).map { T($0) }
                let weight = try rng.randn(3, 3, winograd.inputChannels, winograd.outputChannels).map { T($0) }
                let bias = try rng.randn(winograd.outputChannels).map { T($0) }
                let outShape = [winograd.batch, winograd.outputHeight, winograd.outputWidth, winograd.outputChannels]
                for isa in KernelISA.supported {
                    for threads in [1, 2] {
                        let what = "\(pass), N \(n), \(h) × \(w), C \(c), K \(k), \(padding), \(T.self), \(isa), \(threads) threads"
                        let run = { (layout: TensorLayout) -> [T] in
                            let input = layout == .nchw ? try x.transposed([0, 3, 1, 2]) : x
                            // NaN first: an element the run does not write fails the comparison.
                            var out = [T](repeating: .nan, count: outShape.reduce(1, *))
                            input.scalars.withUnsafeBufferPointer { input in
                                weight.scalars.withUnsafeBufferPointer { weight in
                                    bias.scalars.withUnsafeBufferPointer { bias in
                                        out.withUnsafeMutableBufferPointer { out in
                                            guard let x = input.baseAddress, let out = out.baseAddress else { return }
                                            winograd.run(
                                                x: x, weight: weight.baseAddress, bias: bias.baseAddress, out: out, layout: layout,
                                                threads: threads, policy: KernelPolicy(isa: isa))
                                        }
                                    }
                                }
                            }
                            return out
                        }
                        let nhwc = try Tensor(shape: outShape, scalars: try run(.nhwc)).transposed([0, 3, 1, 2])
                        #expect(nhwc.scalars.map(bits) == (try run(.nchw)).map(bits), "\(what)")
                    }
                }
            }
        }
    }

    /// The weight and bias gradients from NCHW x and dy against NHWC's, bit for bit: each
    /// chunk's rows through scratch (chunks that start inside a row of tiles, and run on into
    /// the next image), on every instruction set this CPU has and 1 and 2 threads.
    static func checkWeightGradient<T: ConvKitFloat>(_: T.Type, bits: (T) -> UInt64) throws {
        var rng = NumPyRandomState(seed: 43)
        for (n, h, w, c, k, padding) in cases {
            let g = try geometry(n, h, w, c, k, padding, T.self)
            guard let winograd = WinogradConvolution(weightGradient: g, paddingMode: .zeros, algorithm: .winograd) else { continue }
            let x = try rng.randn(n, h, w, c).map { T($0) }
            let dy = try rng.randn(n, g.outputHeight, g.outputWidth, k).map { T($0) }
            for isa in KernelISA.supported {
                for threads in [1, 2] {
                    let what = "N \(n), \(h) × \(w), C \(c), K \(k), \(padding), \(T.self), \(isa), \(threads) threads"
                    let run = { (layout: TensorLayout) -> (dw: [T], db: [T]) in
                        let (xs, dys) = layout == .nchw ? (try x.transposed([0, 3, 1, 2]), try dy.transposed([0, 3, 1, 2])) : (x, dy)
                        var dw = [T](repeating: .nan, count: 9 * c * k), db = [T](repeating: .nan, count: k)
                        xs.scalars.withUnsafeBufferPointer { xs in
                            dys.scalars.withUnsafeBufferPointer { dys in
                                dw.withUnsafeMutableBufferPointer { dw in
                                    db.withUnsafeMutableBufferPointer { db in
                                        guard let xp = xs.baseAddress, let dyp = dys.baseAddress, let dwp = dw.baseAddress else { return }
                                        winograd.weightGradient(
                                            x: xp, dy: dyp, dw: dwp, db: db.baseAddress, layout: layout, threads: threads,
                                            policy: KernelPolicy(isa: isa))
                                    }
                                }
                            }
                        }
                        return (dw, db)
                    }
                    let (nhwc, nchw) = (try run(.nhwc), try run(.nchw))
                    #expect(nhwc.dw.map(bits) == nchw.dw.map(bits), "weight gradient, \(what)")
                    #expect(nhwc.db.map(bits) == nchw.db.map(bits), "bias gradient, \(what)")
                }
            }
        }
    }

    @Test func weightGradientSameBitsAsNHWC() throws {
        try Self.checkWeightGradient(Float.self) { UInt64($0.bitPattern) }
        try Self.checkWeightGradient(Double.self) { $0.bitPattern }
    }

    @Test func sameBitsAsNHWCInFloatAndDouble() throws {
        try Self.check(Float.self) { UInt64($0.bitPattern) }
        try Self.check(Double.self) { $0.bitPattern }
    }

    /// Through the public functions: rows through scratch where x and the result together are
    /// at least 8 MiB (resnet-56 in the benchmark suite), whole conversions below (mnist-conv2).
    @Test func chosenWhereLargerThanTheCaches() throws {
        let large = try Conv2DGeometry(
            inputShape: [16, 64, 56, 56], weightShape: [64, 64, 3, 3], biasShape: nil,
            options: Conv2DOptions(padding: 1, layout: .nchw), elementBytes: 4, function: "test")
        let small = try Conv2DGeometry(
            inputShape: [64, 32, 14, 14], weightShape: [64, 32, 3, 3], biasShape: nil,
            options: Conv2DOptions(padding: 1, layout: .nchw), elementBytes: 4, function: "test")
        let forward = NCHWForward(large, bias: [Float]?.none, paddingMode: .zeros, algorithm: .fast)
        let backward = NCHWBackwardData(large, paddingMode: .zeros, algorithm: .fast, scalar: Float.self)
        guard case .winograd = forward, case .winograd = backward else {
            Issue.record("resnet-56 in NCHW: forward \(String(describing: forward)), input gradient \(String(describing: backward))")
            return
        }
        #expect(weightGradientNCHWOperands(large, paddingMode: .zeros, algorithm: .fast, scalar: Float.self) == (true, true))
        #expect(weightGradientNCHWOperands(small, paddingMode: .zeros, algorithm: .fast, scalar: Float.self) == (false, false))
        #expect(NCHWForward(small, bias: [Float]?.none, paddingMode: .zeros, algorithm: .fast) == nil)
        #expect(NCHWBackwardData(small, paddingMode: .zeros, algorithm: .fast, scalar: Float.self) == nil)
    }
}
