import Testing
@testable import ConvKitCore

/// Winograd F(2 × 2, 3 × 3): the forward pass, the input gradient and (by the dual F(3 × 3,
/// 2 × 2)) the weight and bias gradients against the course's loops, around every edge of its
/// 2 × 2 tiles and of the vectors of channels; the same bits on AVX2 and AVX-512 and for any
/// number of threads; `.fast` choosing it where it pays.
@Suite struct WinogradTests {
    /// Element by element: |got − expected| ≤ tolerance · (1 + max |expected|), so that an
    /// unwritten or misplaced element fails however small the tensor.
    static func expectClose<T: ConvKitFloat>(_ got: Tensor<T>, _ expected: Tensor<T>, _ tolerance: Double, _ what: String) {
        #expect(got.shape == expected.shape, "\(what): shape")
        let scale = 1 + Double(expected.scalars.map { abs($0) }.max() ?? 0)
        let worst = zip(got.scalars, expected.scalars).map { abs(Double($0) - Double($1)) }.max() ?? 0
        #expect(worst <= tolerance * scale, "\(what): worst difference \(worst), scale \(scale)")
    }

    /// (N, H, W, C, K, padding): odd and even sizes (a half tile at the bottom and right edges),
    /// 1 × 1 inputs, channel counts around the vectors of every ISA (4, 8, 16 floats) and the
    /// GEMM's panels, symmetric and asymmetric padding (2 − p is negative for p = 3).
    static let cases: [(Int, Int, Int, Int, Int, Padding)] = [
        (1, 1, 1, 1, 1, .uniform(1)), (2, 5, 7, 3, 5, .uniform(1)), (1, 6, 6, 16, 16, .valid),
        (2, 7, 4, 17, 33, .uniform(1)), (1, 9, 10, 8, 40, .explicit(top: 0, bottom: 2, left: 2, right: 1)),
        (3, 4, 5, 33, 7, .uniform(2)), (1, 8, 3, 5, 64, .explicit(top: 3, bottom: 0, left: 1, right: 3)),
        (2, 14, 14, 32, 64, .uniform(1)),
        (1, 4, 4, 128, 160, .uniform(1)),  // fewer tiles than U's rows: threads split the output channels
    ]

    static func check<T: ConvKitFloat>(_: T.Type, tolerance: Double) throws {
        var rng = NumPyRandomState(seed: 11)
        for (n, h, w, c, k, padding) in cases {
            let x = try rng.randn(n, h, w, c).map { T($0) }
            let weight = try rng.randn(3, 3, c, k).map { T($0) }
            let bias = try rng.randn(k).map { T($0) }
            let what = "N \(n), \(h) × \(w), C \(c), K \(k), \(padding), \(T.self)"
            for nchw in [false, true] {
                var options = Conv2DOptions(padding: padding, algorithm: .winograd)
                var (input, kernel) = (x, weight)
                if nchw {
                    options.layout = .nchw
                    (input, kernel) = (try x.transposed([0, 3, 1, 2]), try weight.transposed([3, 2, 0, 1]))
                }
                var reference = options
                reference.algorithm = .reference
                let (y, cache) = try conv2dForward(input, weight: kernel, bias: bias, options: options)
                let (expected, referenceCache) = try conv2dForward(input, weight: kernel, bias: bias, options: reference)
                expectClose(y, expected, tolerance, "\(what) forward, nchw \(nchw)")
                let dy = try rng.randn(expected.shape).map { T($0) }
                let dx = try conv2dBackwardInput(dy, cache: cache)
                expectClose(dx, try conv2dBackwardInput(dy, cache: referenceCache), tolerance, "\(what) input gradient, nchw \(nchw)")
                let (dw, db) = try conv2dBackwardWeight(dy, cache: cache)
                let (expectedWeight, expectedBias) = try conv2dBackwardWeight(dy, cache: referenceCache)
                expectClose(dw, expectedWeight, tolerance, "\(what) weight gradient, nchw \(nchw)")
                expectClose(try #require(db), try #require(expectedBias), tolerance, "\(what) bias gradient, nchw \(nchw)")
            }
        }
    }

    @Test func matchesTheLoopsInFloatAndDouble() throws {
        try Self.check(Float.self, tolerance: 2e-5)
        try Self.check(Double.self, tolerance: 1e-13)
    }

    /// AVX2 and AVX-512 compute the same bits (the transforms are the same additions in the
    /// same order, and the GEMM sums each element in one order); skipped with a message on a
    /// CPU without AVX-512.
    @Test func sameBitsOnAVX2AndAVX512AndAnyThreads() throws {
        guard CrossISATests.bothISAs else { return CrossISATests.skipMessage("winograd") }
        var rng = NumPyRandomState(seed: 12)
        let x = try rng.randn(3, 19, 21, 37).map(Float.init)
        let weight = try rng.randn(3, 3, 37, 45).map(Float.init)
        let bias = try rng.randn(45).map(Float.init)
        let options = Conv2DOptions(padding: 1, algorithm: .winograd)
        var results: [(String, Tensor<Float>, Conv2DGradients<Float>)] = []
        for (isa, threads) in [(KernelISA.avx512, 2), (.avx2, 2), (.avx512, 1)] {
            var options = options
            options.threads = threads
            try KernelISA.withActive(isa) {
                let (y, cache) = try conv2dForward(x, weight: weight, bias: bias, options: options)
                results.append(("\(isa), \(threads) threads", y, try conv2dBackward(y, cache: cache)))
            }
        }
        for (run, y, gradients) in results.dropFirst() {
            #expect(y == results[0].1, "forward on \(run) and \(results[0].0)")
            #expect(gradients.input == results[0].2.input, "input gradient on \(run) and \(results[0].0)")
            #expect(gradients.weight == results[0].2.weight, "weight gradient on \(run) and \(results[0].0)")
            #expect(gradients.bias == results[0].2.bias, "bias gradient on \(run) and \(results[0].0)")
        }
    }

    /// One thread or two, splitting the tiles or (with few tiles) the output channels: the same bits.
    @Test func sameBitsOnAnyNumberOfThreads() throws {
        var rng = NumPyRandomState(seed: 14)
        for (n, h, c, k) in [(1, 4, 128, 160), (2, 12, 24, 40)] {
            let x = try rng.randn(n, h, h, c).map(Float.init)
            let weight = try rng.randn(3, 3, c, k).map(Float.init)
            let bias = try rng.randn(k).map(Float.init)
            let dy = try rng.randn(n, h, h, k).map(Float.init)
            var results: [(Tensor<Float>, Conv2DGradients<Float>)] = []
            for threads in [1, 2] {
                let options = Conv2DOptions(padding: 1, algorithm: .winograd, threads: threads)
                let (y, cache) = try conv2dForward(x, weight: weight, bias: bias, options: options)
                results.append((y, try conv2dBackward(dy, cache: cache)))
            }
            #expect(results[0].0 == results[1].0, "forward, C \(c), K \(k)")
            #expect(results[0].1.input == results[1].1.input && results[0].1.weight == results[1].1.weight, "gradients, C \(c), K \(k)")
        }
    }

    /// `.fast` is Winograd where both channel counts reach 16, the implicit GEMM elsewhere, and
    /// `.implicitGEMM` never Winograd.
    @Test func fastChoosesWinogradWhereItPays() throws {
        var rng = NumPyRandomState(seed: 13)
        for (c, k, chosen) in [(16, 16, true), (15, 64, false), (64, 8, false)] {
            let x = try rng.randn(2, 6, 6, c).map(Float.init)
            let weight = try rng.randn(3, 3, c, k).map(Float.init)
            let dy = try rng.randn(2, 6, 6, k).map(Float.init)
            func run(_ algorithm: ConvAlgorithm) throws -> (Tensor<Float>, Conv2DGradients<Float>) {
                let (y, cache) = try conv2dForward(x, weight: weight, bias: nil, options: Conv2DOptions(padding: 1, algorithm: algorithm))
                return (y, try conv2dBackward(dy, cache: cache))
            }
            let (fast, winograd, gemm) = (try run(.fast), try run(.winograd), try run(.implicitGEMM))
            let twin = chosen ? winograd : gemm
            #expect(fast.0 == twin.0 && fast.1.input == twin.1.input && fast.1.weight == twin.1.weight, "C \(c), K \(k)")
            // Winograd rounds differently (else this test could not tell the two apart).
            #expect(winograd.0 != gemm.0 && winograd.1.input != gemm.1.input && winograd.1.weight != gemm.1.weight)
        }
    }
}
