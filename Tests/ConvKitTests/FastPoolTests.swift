import CConvKitKernels
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The fast pooling path against the reference, on every instruction set this CPU runs, and
/// its results on 1, 2, 3 and 8 threads.
///
/// Max pooling (values, indices, gradients for every tie policy) must equal the reference
/// bit for bit; average pooling within 1e-12 (Double) or 1e-5 (Float) norm-wise. Inputs are
/// rounded to halves so that windows tie often, and some cases hold NaNs.
@Suite struct FastPoolTests {
    /// Random cases plus edge cases, each with an input recipe.
    static let cases: [FastPoolCase] = PoolCase.random(count: 60, seed: 41).enumerated().map {
        FastPoolCase($0.element, ties: $0.offset % 2 == 0, nans: $0.offset % 5 == 0)
    } + edgeCases

    static let edgeCases: [FastPoolCase] = {
        var cases: [FastPoolCase] = []
        for layout in TensorLayout.allCases {
            func shape(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> [Int] {
                layout == .nhwc ? [n, h, w, c] : [n, c, h, w]
            }
            for mode in PoolMode.allCases {
                // Window equal to the input, and global pooling.
                cases.append(FastPoolCase(shape(2, 3, 5, 4), Pool2DOptions(mode, window: Size2D(5, 4), layout: layout)))
                cases.append(FastPoolCase(shape(1, 5, 6, 7), .global(mode, layout: layout)))
                // Ceil mode whose last window runs past the input (and its padding).
                cases.append(FastPoolCase(
                    shape(1, 2, 7, 8),
                    Pool2DOptions(mode, window: 3, stride: 2, padding: 1, ceilMode: true, layout: layout)))
                cases.append(FastPoolCase(
                    shape(1, 2, 6, 6), Pool2DOptions(mode, window: 2, stride: 3, ceilMode: true, layout: layout)))
                // Padding 0, overlapping windows; dilation with padding.
                cases.append(FastPoolCase(
                    shape(2, 3, 6, 5), Pool2DOptions(mode, window: 3, stride: 1, padding: 0, layout: layout), ties: true))
                cases.append(FastPoolCase(
                    shape(1, 2, 9, 8),
                    Pool2DOptions(mode, window: 3, stride: Size2D(2, 1), padding: .explicit(top: 2, bottom: 0, left: 1, right: 2),
                                  dilation: Size2D(2, 3), layout: layout), ties: true))
                // Channel counts around the vector widths (4, 8, 16 lanes) and their tails.
                for c in [8, 16, 17, 33, 69] {
                    cases.append(FastPoolCase(
                        shape(1, c, 6, 6), Pool2DOptions(mode, window: 3, stride: 2, padding: 1, layout: layout),
                        ties: c == 17, nans: c == 33))
                }
            }
            // Channel counts that fill whole blocks of four or eight vectors (AVX2: 8 lanes,
            // AVX-512: 16), which full 2 × 2 and 3 × 3 average windows take vector by vector;
            // padded windows at the borders, a divisor that is not a power of two and dilated
            // taps take the general loop.
            for c in [32, 64, 96, 192] {
                cases.append(FastPoolCase(shape(2, c, 6, 8), Pool2DOptions(.average, window: 2, stride: 2, layout: layout)))
                cases.append(FastPoolCase(
                    shape(1, c, 7, 7), Pool2DOptions(.average, window: 3, stride: 2, padding: 1, layout: layout)))
                cases.append(FastPoolCase(
                    shape(1, c, 6, 7),
                    Pool2DOptions(.average, window: 2, stride: 1, dilation: 2, divisorOverride: 3, layout: layout)))
            }
            // Average divisors: override, padding counted or not, ceil mode clipping.
            for divisor in [1, 3, 4] {
                cases.append(FastPoolCase(
                    shape(1, 3, 5, 6),
                    Pool2DOptions(.average, window: 2, stride: 1, padding: 1, divisorOverride: divisor, layout: layout)))
            }
            for include in [false, true] {
                cases.append(FastPoolCase(
                    shape(1, 3, 7, 6),
                    Pool2DOptions(.average, window: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: include, layout: layout)))
            }
            // Ties and NaNs under every policy; a window of more than 256 taps (wide argmax).
            for ties in MaxTiePolicy.allCases {
                cases.append(FastPoolCase(
                    shape(2, 3, 5, 5),
                    Pool2DOptions(.max, window: 2, stride: 1, padding: 1, returnIndices: true, maxTies: ties, layout: layout),
                    ties: true, nans: true))
                cases.append(FastPoolCase(
                    shape(1, 2, 17, 18),
                    Pool2DOptions(.max, window: Size2D(17, 16), stride: 1, returnIndices: true, maxTies: ties, layout: layout),
                    ties: true, nans: ties == .first))
            }
        }
        return cases
    }()

    @Test(arguments: cases)
    func double(_ c: FastPoolCase) throws {
        try check(c, Double.self, tolerance: 1e-12)
    }

    @Test(arguments: cases)
    func float(_ c: FastPoolCase) throws {
        try check(c, Float.self, tolerance: 1e-5)
    }

    func check<T: ConvKitFloat>(_ c: FastPoolCase, _ type: T.Type, tolerance: T) throws {
        let (x, dy) = try c.tensors(T.self)
        var reference = c.options
        reference.algorithm = .reference
        let (expected, referenceCache) = try pool2dForward(x, options: reference)
        let expectedDx = try pool2dBackward(dy, cache: referenceCache)
        if !c.options.returnIndices {
            #expect(sameBits(try pool2d(x, options: reference), expected), "pool2d, reference")
        }
        for isa in KernelISA.supported {
            try KernelISA.withActive(isa) {
                var options = c.options
                options.algorithm = .fast
                let (y, cache) = try pool2dForward(x, options: options)
                let dx = try pool2dBackward(dy, cache: cache)
                if !options.returnIndices {
                    // The forward pass alone (no argmax kept) gives the same bits.
                    #expect(sameBits(try pool2d(x, options: options), y), "\(isa) pool2d")
                }
                #expect(y.shape == expected.shape)
                #expect(dx.shape == expectedDx.shape)
                #expect(cache.indices == referenceCache.indices, "\(isa) indices")
                if c.options.mode == .max {
                    #expect(sameBits(y, expected), "\(isa) output")
                    #expect(sameBits(dx, expectedDx), "\(isa) gradient")
                } else {
                    #expect(try #require(y.relativeError(to: expected)) <= tolerance, "\(isa) output")
                    #expect(try #require(dx.relativeError(to: expectedDx)) <= tolerance, "\(isa) gradient")
                }
            }
        }
    }

    /// `pool2d` keeps no cache, so it refuses `returnIndices`, naming the function that has them.
    @Test func inferenceRefusesIndices() throws {
        let x = try Tensor<Float>(shape: [1, 4, 4, 2], scalars: (0..<32).map(Float.init))
        #expect(throws: ConvKitError("pool2d", "returnIndices needs pool2dForward, whose cache holds the indices")) {
            try pool2d(x, options: Pool2DOptions(.max, window: 2, returnIndices: true))
        }
        #expect(throws: ConvKitError.self) { try pool2d(x, options: Pool2DOptions(.max, window: 5)) }
    }

    /// The same bits on 1, 2, 3 and 8 threads, with the size threshold lowered so that even
    /// these small shapes are split.
    @Test(arguments: cases.filter { $0.inputShape.reduce(1, *) >= 60 })
    func threadCountDoesNotChangeBits(_ c: FastPoolCase) throws {
        let (x, dy) = try c.tensors(Float.self)
        let (x64, dy64) = try c.tensors(Double.self)
        try PoolTuning.$parallelWork.withValue(0) {
            var results: [(Tensor<Float>, Tensor<Float>, Tensor<Int>?, Tensor<Double>, Tensor<Double>)] = []
            for threads in [1, 2, 3, 8] {
                var options = c.options
                options.algorithm = .fast
                options.threads = threads
                let (y, cache) = try pool2dForward(x, options: options)
                let (y64, cache64) = try pool2dForward(x64, options: options)
                results.append((y, try pool2dBackward(dy, cache: cache), cache.indices,
                                y64, try pool2dBackward(dy64, cache: cache64)))
            }
            for (threads, result) in zip([2, 3, 8], results.dropFirst()) {
                #expect(sameBits(result.0, results[0].0), "\(threads) threads: output")
                #expect(sameBits(result.1, results[0].1), "\(threads) threads: gradient")
                #expect(result.2 == results[0].2, "\(threads) threads: indices")
                #expect(sameBits(result.3, results[0].3), "\(threads) threads: Double output")
                #expect(sameBits(result.4, results[0].4), "\(threads) threads: Double gradient")
            }
        }
    }

    /// A shape above the size threshold, split on the default thread count, against the
    /// reference (max) and one thread (both).
    @Test(arguments: [PoolMode.max, .average], TensorLayout.allCases)
    func largeCallAboveThreshold(_ mode: PoolMode, _ layout: TensorLayout) throws {
        let options = Pool2DOptions(mode, window: 3, stride: 2, padding: 1, returnIndices: mode == .max, layout: layout, threads: 2)
        let shape = layout == .nhwc ? [2, 40, 40, 48] : [2, 48, 40, 40]
        let c = FastPoolCase(shape, options, ties: true)
        let (x, dy) = try c.tensors(Float.self)
        var one = options
        one.threads = 1
        let (y, cache) = try pool2dForward(x, options: options)
        let (y1, cache1) = try pool2dForward(x, options: one)
        #expect(sameBits(y, y1))
        #expect(cache.indices == cache1.indices)
        #expect(sameBits(try pool2dBackward(dy, cache: cache), try pool2dBackward(dy, cache: cache1)))
    }

    /// A call too large for the caches (input and output over 16 MiB), whose kernels prefetch and
    /// store around the caches, gives each image the bits a call on that image alone gives.
    @Test(arguments: [PoolMode.max, .average])
    func streamedCallMatchesImageByImage(_ mode: PoolMode) throws {
        let image = [56, 56, 640]
        let count = image.reduce(1, *)
        let scalars = (0..<(2 * count)).map { Float(($0 * 7919) % 1009) / 64 - 7 }
        let x = try Tensor(shape: [2] + image, scalars: scalars)
        let options = Pool2DOptions(mode, window: 3, stride: 2, padding: 1, threads: 1)
        let plan = PoolFastPlan(try Pool2DGeometry(inputShape: x.shape, options: options, elementBytes: 4, function: "test"), options: options)
        #expect(plan.streams(Float.self))
        let (y, _) = try pool2dForward(x, options: options)
        for n in 0..<2 {
            let alone = try Tensor(shape: [1] + image, scalars: Array(scalars[(n * count)..<((n + 1) * count)]))
            let imagePlan = PoolFastPlan(try Pool2DGeometry(inputShape: alone.shape, options: options, elementBytes: 4, function: "test"), options: options)
            #expect(!imagePlan.streams(Float.self))
            let (expected, _) = try pool2dForward(alone, options: options)
            #expect(sameBits(try y.slice(n), try expected.slice(0)))
        }
    }

    /// The NHWC average kernels at every offset of the input from a cache line (a tensor starts
    /// wherever the allocator puts its array): full 2 × 2 and 3 × 3 windows over 128 and 256
    /// channels against the taps summed in scan order from 0, bit for bit, on every instruction set.
    @Test(arguments: [2, 3])
    func averageKernelAtEveryOffset(_ window: Int) throws {
        let width = 4 * window
        for c in [128, 256] {
            let count = window * width * c
            var buffer = [Float](repeating: 0, count: count + 16)
            for i in buffer.indices { buffer[i] = Float((i * 37) % 101) / 8 - 6 }
            let columns = (0..<4).flatMap { [$0 * window, 0, window, window] }
            for isa in KernelISA.supported {
                for offset in 0..<16 {
                    var out = [Float](repeating: .nan, count: 4 * c)
                    buffer.withUnsafeBufferPointer { b in
                        out.withUnsafeMutableBufferPointer { o in
                            guard let x = b.baseAddress.map({ $0 + offset }), let o = o.baseAddress else { return }
                            let rows: [UnsafePointer<Float>?] = (0..<window).map { x + $0 * width * c }
                            ck_pool_avg_row_f32(isa.code, rows, window, columns, 4, c, 1, window, 0, o, 0, 0)
                        }
                    }
                    for j in 0..<4 {
                        for ch in 0..<c {
                            var sum: Float = 0
                            for r in 0..<window {
                                for t in 0..<window {
                                    let value = buffer[offset + (r * width + j * window + t) * c + ch]
                                    sum += value
                                }
                            }
                            let expected = window == 2 ? sum * 0.25 : sum / 9
                            #expect(out[j * c + ch].bitPattern == expected.bitPattern,
                                    "\(isa) offset \(offset) c \(c) window \(j) channel \(ch)")
                        }
                    }
                }
            }
        }
    }

    /// The stored argmax is one byte per output while the window has at most 256 taps.
    @Test func argmaxWidth() throws {
        let x = try Tensor<Float>(shape: [1, 17, 17, 2], repeating: 1)
        let (_, narrow) = try pool2dForward(x, options: Pool2DOptions(.max, window: 16, stride: 1))
        let (_, wide) = try pool2dForward(x, options: Pool2DOptions(.max, window: 17))
        guard case .narrow? = narrow.argmax, case .wide? = wide.argmax else {
            Issue.record("expected a narrow and a wide argmax")
            return
        }
        // Only `.first` keeps it; the other policies recompute their windows.
        let (_, all) = try pool2dForward(x, options: Pool2DOptions(.max, window: 2, maxTies: .all))
        #expect(all.argmax == nil)
    }
}

/// One pooling layer and how to fill its input.
struct FastPoolCase: CustomTestStringConvertible, Sendable {
    var inputShape: [Int]
    var options: Pool2DOptions
    /// Round the input to halves, so that many windows tie.
    var ties: Bool
    /// Put NaNs at a few positions.
    var nans: Bool

    init(_ inputShape: [Int], _ options: Pool2DOptions, ties: Bool = false, nans: Bool = false) {
        self.inputShape = inputShape
        self.options = options
        self.ties = ties
        self.nans = nans
    }

    init(_ c: PoolCase, ties: Bool, nans: Bool) {
        self.init(c.inputShape, c.options, ties: ties, nans: nans)
    }

    var testDescription: String {
        PoolCase(inputShape: inputShape, options: options).description + (ties ? " ties" : "") + (nans ? " NaN" : "")
    }

    /// The input and an upstream gradient shaped like the output.
    func tensors<T: ConvKitFloat>(_ type: T.Type) throws -> (Tensor<T>, Tensor<T>) {
        var rng = NumPyRandomState(seed: 17)
        var x = try rng.randn(inputShape)
        if ties { x = x.map { ($0 * 2).rounded() / 2 } }
        if nans && options.mode == .max {
            var scalars = x.scalars
            for i in stride(from: 3, to: scalars.count, by: 7) { scalars[i] = .nan }
            x = try Tensor(shape: x.shape, scalars: scalars)
        }
        let geometry = try Pool2DGeometry(inputShape: inputShape, options: options, elementBytes: 4, function: "test")
        let dy = try rng.randn(geometry.outputShape(options.layout))
        return (x.map { T($0) }, dy.map { T($0) })
    }
}

/// Whether two tensors hold the same shape and the same bits (NaN payloads and zero signs
/// included).
func sameBits<T: ConvKitFloat>(_ a: Tensor<T>, _ b: Tensor<T>) -> Bool {
    a.shape == b.shape && a.scalars.withUnsafeBytes { x in b.scalars.withUnsafeBytes { y in x.elementsEqual(y) } }
}
