import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// ConvKit against PyTorch: forward outputs, every gradient and max-pooling indices for
/// random seeded cases covering every convolution and pooling option.
///
/// Fixtures: `Fixtures/peers/torch_{conv,pool}.npz` + `torch_manifest.json`, made by
/// `Scripts/fixtures/make_torch_fixtures.py` (PyTorch autograd, cross-checked against an
/// independent numpy reference; cases PyTorch cannot express are from that reference and say
/// `"source": "numpy"`). NHWC cases hold the NCHW tensors transposed.
@Suite("Peer conformance: PyTorch")
struct PeerConformanceTorchTests {
    static let convCases = PeerFixtures.torch?.conv ?? []
    static let poolCases = PeerFixtures.torch?.pool ?? []

    @Test func manifestLoads() throws {
        let manifest = try PeerFixtures.decode(TorchManifest.self, from: "torch_manifest.json")
        #expect(manifest.conv.count >= 60)
        #expect(manifest.pool.count >= 50)
        // Every option appears somewhere.
        let modes = Set(manifest.conv.map(\.paddingMode))
        #expect(modes == Set(PaddingMode.allCases.map(\.rawValue)))
        let kinds = Set(manifest.conv.map(\.padding.kind))
        #expect(kinds == ["valid", "same", "sameLower", "uniform", "symmetric", "explicit"])
        #expect(manifest.conv.contains { $0.layout == "nhwc" } && manifest.conv.contains { $0.layout == "nchw" })
        #expect(Set(manifest.pool.map(\.maxTies)) == Set(MaxTiePolicy.allCases.map(\.rawValue)))
        #expect(manifest.pool.contains { $0.ceilMode && $0.mode == "average" && $0.countIncludePad })
        #expect(manifest.pool.contains { $0.divisorOverride != nil })
        #expect(manifest.pool.contains { $0.dilation != [1, 1] && $0.mode == "average" })
        _ = try PeerFixtures.torchConvArrays.get()
        _ = try PeerFixtures.torchPoolArrays.get()
    }

    // MARK: Convolution

    func runConv<T: ConvKitFloat>(
        _ c: TorchConvCase, _ algorithm: ConvAlgorithm, _ type: T.Type, tolerance: T
    ) throws {
        let arrays = PeerFixtures.torchConvArrays
        let x = try arrays.floats("\(c.key)__x", T.self)
        let w = try arrays.floats("\(c.key)__w", T.self)
        let b = c.biasShape == nil ? nil : try arrays.floats("\(c.key)__b", T.self)
        var options = try c.options()
        options.algorithm = algorithm

        let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
        #expect(y.shape == c.outputShape)
        expectPeerClose(y, try arrays.floats("\(c.key)__y", T.self), tolerance: tolerance, "\(c.name) output")

        let grads = try conv2dBackward(try arrays.floats("\(c.key)__dy", T.self), cache: cache)
        expectPeerClose(grads.input, try arrays.floats("\(c.key)__dx", T.self), tolerance: tolerance, "\(c.name) dx")
        expectPeerClose(grads.weight, try arrays.floats("\(c.key)__dw", T.self), tolerance: tolerance, "\(c.name) dw")
        if let biasShape = c.biasShape {
            let db = try #require(grads.bias, "\(c.name): no bias gradient")
            #expect(db.shape == biasShape)
            expectPeerClose(db, try arrays.floats("\(c.key)__db", T.self), tolerance: tolerance, "\(c.name) db")
        } else {
            #expect(grads.bias == nil)
        }
    }

    @Test("conv2d, Double", arguments: convCases, ConvAlgorithm.allCases)
    func convDouble(_ c: TorchConvCase, _ algorithm: ConvAlgorithm) throws {
        try runConv(c, algorithm, Double.self, tolerance: 1e-10)
    }

    @Test("conv2d, Float", arguments: convCases, ConvAlgorithm.allCases)
    func convFloat(_ c: TorchConvCase, _ algorithm: ConvAlgorithm) throws {
        try runConv(c, algorithm, Float.self, tolerance: 1e-5)
    }

    // MARK: Pooling

    func runPool<T: ConvKitFloat>(_ c: PeerPoolCase, _ algorithm: PoolAlgorithm, _ type: T.Type, tolerance: T) throws {
        let arrays = PeerFixtures.torchPoolArrays
        let x = try arrays.floats("\(c.key)__x", T.self)
        var options = try c.options()
        options.algorithm = algorithm

        let (y, cache) = try pool2dForward(x, options: options)
        #expect(y.shape == c.outputShape)
        expectPeerClose(y, try arrays.floats("\(c.key)__y", T.self), tolerance: tolerance, "\(c.name) output")
        if c.returnIndices {
            expectPeerIndices(cache.indices, try arrays.integers("\(c.key)__indices"), "\(c.name) indices")
        }
        let dx = try pool2dBackward(try arrays.floats("\(c.key)__dy", T.self), cache: cache)
        expectPeerClose(dx, try arrays.floats("\(c.key)__dx", T.self), tolerance: tolerance, "\(c.name) dx")
    }

    @Test("pool2d, Double", arguments: poolCases, PoolAlgorithm.allCases)
    func poolDouble(_ c: PeerPoolCase, _ algorithm: PoolAlgorithm) throws {
        try runPool(c, algorithm, Double.self, tolerance: 1e-10)
    }

    @Test("pool2d, Float", arguments: poolCases, PoolAlgorithm.allCases)
    func poolFloat(_ c: PeerPoolCase, _ algorithm: PoolAlgorithm) throws {
        try runPool(c, algorithm, Float.self, tolerance: 1e-5)
    }

    /// PyTorch's CPU max pooling takes the last NaN of a window; ConvKit documents the first
    /// maximum in row-major order. The fixture stores both so that the difference stays visible.
    @Test(arguments: PoolAlgorithm.allCases)
    func nanIndicesDifferFromPyTorchAsDocumented(_ algorithm: PoolAlgorithm) throws {
        let key = "pool_max_nan_two_in_window_first"
        let c = try #require(Self.poolCases.first { $0.key == key })
        let arrays = PeerFixtures.torchPoolArrays
        var options = try c.options()
        options.algorithm = algorithm
        let (_, cache) = try pool2dForward(try arrays.floats("\(key)__x", Double.self), options: options)
        let ours = try #require(cache.indices)
        let torch = try arrays.integers("\(key)__torchIndices")
        // Window (0, 1) holds one NaN, so both agree there; the other three windows hold two NaNs.
        #expect(ours.scalars == [7, 9, 7, 9])
        #expect(torch.scalars == [9, 9, 9, 16])
    }
}
