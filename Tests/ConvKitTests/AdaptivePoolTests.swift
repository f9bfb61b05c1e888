import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats

/// Adaptive pooling against PyTorch's `adaptive_avg_pool2d` / `adaptive_max_pool2d` and their
/// gradients (`Scripts/fixtures/make_torch_layer_fixtures.py`), both algorithms bit for bit,
/// both layouts; a numerical gradient check; the window rule; the errors.
@Suite struct AdaptivePoolTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let key: String
        let mode: String
        let output: [Int]
        var testDescription: String { key }
    }

    struct Manifest: Decodable { let cases: [Case] }

    static let cases: [Case] = (try? PeerFixtures.decode(Manifest.self, from: "torch_adaptive_pool.json").cases) ?? []
    static let arrays = Result { try NPZ.read(contentsOf: PeerFixtures.url("torch_adaptive_pool.npz")) }

    @Test func manifestLoads() throws {
        #expect(try PeerFixtures.decode(Manifest.self, from: "torch_adaptive_pool.json").cases.count == 8)
    }

    @Test(arguments: cases, [TensorLayout.nchw, .nhwc])
    func matchesPyTorch(_ c: Case, layout: TensorLayout) throws {
        let mode = try #require(PoolMode(rawValue: c.mode))
        let activation = { (t: Tensor<Double>) in layout == .nchw ? t : try t.transposed([0, 2, 3, 1]) }
        let x = try activation(Self.arrays.floats("\(c.key)__x", Double.self))
        var results: [PoolAlgorithm: (Tensor<Double>, Tensor<Double>)] = [:]
        for algorithm in PoolAlgorithm.allCases {
            let options = AdaptivePool2DOptions(mode, outputSize: try peerSize2D(c.output), layout: layout, algorithm: algorithm)
            let (y, cache) = try adaptivePool2dForward(x, options: options)
            let what = "\(c.key) \(layout) \(algorithm)"
            expectPeerClose(y, try activation(Self.arrays.floats("\(c.key)__y", Double.self)), tolerance: 1e-15, "\(what) y")
            if mode == .max {
                let want = try Self.arrays.integers("\(c.key)__indices")
                let indices = try #require(cache.indices)
                #expect(indices.scalars == (layout == .nchw ? want : try want.transposed([0, 2, 3, 1])).scalars, "\(what) indices")
            } else {
                #expect(cache.indices == nil)
            }
            let dx = try adaptivePool2dBackward(try activation(Self.arrays.floats("\(c.key)__dy", Double.self)), cache: cache)
            expectPeerClose(dx, try activation(Self.arrays.floats("\(c.key)__dx", Double.self)), tolerance: 1e-15, "\(what) dx")
            results[algorithm] = (y, dx)
            // Float as well, to rounding.
            let (yf, cachef) = try adaptivePool2dForward(x.map { Float($0) }, options: options)
            expectPeerClose(yf, y.map { Float($0) }, tolerance: 1e-6, "\(what) Float y")
            let dxf = try adaptivePool2dBackward(try activation(Self.arrays.floats("\(c.key)__dy", Double.self)).map { Float($0) }, cache: cachef)
            expectPeerClose(dxf, dx.map { Float($0) }, tolerance: 1e-6, "\(what) Float dx")
        }
        let (reference, fast) = (try #require(results[.reference]), try #require(results[.fast]))
        #expect(reference.0.scalars.map(\.bitPattern) == fast.0.scalars.map(\.bitPattern), "\(c.key) \(layout): y differs between algorithms")
        #expect(reference.1.scalars.map(\.bitPattern) == fast.1.scalars.map(\.bitPattern), "\(c.key) \(layout): dx differs between algorithms")
    }

    /// PyTorch's rule: output i of P pools ⌊i·H/P⌋ ..< ⌈(i+1)·H/P⌉.
    @Test func windowsFollowPyTorch() throws {
        let plan = try AdaptivePoolPlan([1, 1, 5, 10], options: AdaptivePool2DOptions(.average, outputSize: Size2D(height: 3, width: 4), layout: .nchw),
                                        elementBytes: 8, function: "test")
        #expect(plan.rows.map { [$0.lo, $0.hi] } == [[0, 2], [1, 4], [3, 5]])
        #expect(plan.columns.map { [$0.lo, $0.hi] } == [[0, 3], [2, 5], [5, 8], [7, 10]])
    }

    /// Central differences of `Σ y · g` for average pooling with overlapping windows; NaN
    /// reaches the maximum and its index is the first NaN's.
    @Test func gradientsAndNaN() throws {
        var rng = NumPyRandomState(seed: 5)
        let x = try rng.randn(2, 5, 7, 3)
        let options = AdaptivePool2DOptions(.average, outputSize: Size2D(height: 3, width: 4))
        let (y, cache) = try adaptivePool2dForward(x, options: options)
        let g = try rng.randn(y.shape)
        let dx = try adaptivePool2dBackward(g, cache: cache)
        let h = 1e-6
        for i in Swift.stride(from: 0, to: x.scalars.count, by: 7) {
            var (plus, minus) = (x, x)
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let lossPlus = zip(try adaptivePool2dForward(plus, options: options).output.scalars, g.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            let lossMinus = zip(try adaptivePool2dForward(minus, options: options).output.scalars, g.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            let numeric = (lossPlus - lossMinus) / (2 * h)
            #expect(abs(numeric - dx.scalars[i]) <= 1e-7, "x[\(i)]: \(numeric) vs \(dx.scalars[i])")
        }
        var scalars: [Float] = [1, 2, .nan, 4, .nan, 0]
        for algorithm in PoolAlgorithm.allCases {
            let (m, mc) = try adaptivePool2dForward(
                try Tensor(shape: [1, 1, 1, 6], scalars: scalars), options: AdaptivePool2DOptions(.max, outputSize: 1, layout: .nchw, algorithm: algorithm))
            #expect(m.scalars[0].isNaN && mc.indices?.scalars == [2], "\(algorithm)")
        }
        scalars[2] = 3
        let (m, _) = try adaptivePool2dForward(try Tensor(shape: [1, 1, 6, 1], scalars: scalars), options: AdaptivePool2DOptions(.max, outputSize: 1))
        #expect(m.scalars[0].isNaN)
    }

    @Test func refusesBadInput() throws {
        let x = try Tensor<Float>(zeros: [1, 4, 4, 2])
        #expect(throws: ConvKitError("adaptivePool2dForward", "outputSize must be at least 1 on both axes, got (0, 2)")) {
            _ = try adaptivePool2dForward(x, options: AdaptivePool2DOptions(.max, outputSize: Size2D(height: 0, width: 2)))
        }
        #expect(throws: ConvKitError("adaptivePool2dForward", "input must have rank 4, got shape [4, 4]")) {
            _ = try adaptivePool2dForward(try Tensor<Float>(zeros: [4, 4]), options: AdaptivePool2DOptions(.max, outputSize: 1))
        }
        for size in [Int.max, Int.max / 2] {
            #expect(throws: ConvKitError.self) {
                _ = try adaptivePool2dForward(try Tensor<Float>(zeros: [0, 4, 4, 2]), options: AdaptivePool2DOptions(.max, outputSize: Size2D(height: size, width: 1)))
            }
        }
        let (_, cache) = try adaptivePool2dForward(x, options: AdaptivePool2DOptions(.average, outputSize: 2))
        #expect(throws: ConvKitError(
            "adaptivePool2dBackward", "gradOutput has shape [1, 2, 2, 3] but the forward output had [1, 2, 2, 2] (input [1, 4, 4, 2])")) {
            _ = try adaptivePool2dBackward(try Tensor<Float>(zeros: [1, 2, 2, 3]), cache: cache)
        }
    }
}
