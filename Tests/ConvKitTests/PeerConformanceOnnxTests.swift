import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// ConvKit against ONNX's operator conformance cases for Conv, MaxPool (with its indices
/// output), AveragePool, GlobalAveragePool and GlobalMaxPool: the node test cases shipped with
/// the `onnx` package, and its `pytorch-converted` / `pytorch-operator` models.
///
/// Fixtures: `Fixtures/peers/onnx.npz` + `onnx_manifest.json`, made by
/// `Scripts/fixtures/make_onnx_fixtures.py`, which maps ONNX's attributes to ConvKit's options
/// and lists each skipped case with its reason. Inputs and published outputs are float32;
/// `y64` is ONNX's reference evaluator run in float64.
@Suite("Peer conformance: ONNX")
struct PeerConformanceOnnxTests {
    static let convCases = PeerFixtures.onnx?.cases.filter(\.isConv) ?? []
    static let poolCases = PeerFixtures.onnx?.cases.filter { !$0.isConv } ?? []

    @Test func manifestLoads() throws {
        let manifest = try PeerFixtures.decode(OnnxManifest.self, from: "onnx_manifest.json")
        #expect(manifest.cases.count >= 50)
        #expect(Set(manifest.cases.map(\.op)) == ["Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"])
        // Every skip names its reason, and only out-of-scope cases are skipped.
        for skipped in manifest.skipped {
            #expect(!skipped.reason.isEmpty, "\(skipped.name)")
            let outOfScope = ["1-d", "3-d", "element type", "storage_order=1"].contains { skipped.reason.contains($0) }
            #expect(outOfScope, "\(skipped.name): \(skipped.reason)")
        }
        // No in-scope ONNX case disagrees with ConvKit's documented semantics (the generator
        // would list it here instead of dropping it).
        #expect(manifest.disagreements.isEmpty, "\(manifest.disagreements.map(\.name))")
        #expect(manifest.cases.contains { $0.returnIndices == true })
        _ = try PeerFixtures.onnxArrays.get()
    }

    /// The input, rebuilt at full size when the fixture stores only the elements ONNX's
    /// operator reads (every other element NaN, so reading one shows up in the output).
    func input<T: ConvKitFloat>(_ c: OnnxCase, _ type: T.Type) throws -> Tensor<T> {
        let stored = try PeerFixtures.onnxArrays.floats("\(c.key)__x", T.self)
        guard let r = c.inputReconstruction else { return stored }
        #expect(r.kind == "strided" && r.fill == "nan")
        var full = try Tensor<T>(shape: r.fullShape, repeating: .nan)
        let (n, ch, h, w) = (stored.shape[0], stored.shape[1], stored.shape[2], stored.shape[3])
        for i in 0..<n {
            for channel in 0..<ch {
                for row in 0..<h {
                    for column in 0..<w {
                        full[i, channel, row * r.step[0], column * r.step[1]] = stored[i, channel, row, column]
                    }
                }
            }
        }
        return full
    }

    /// The output (and max-pooling indices); `algorithm` applies to convolutions,
    /// `poolAlgorithm` to pooling.
    func output<T: ConvKitFloat>(
        _ c: OnnxCase, _ x: Tensor<T>, _ algorithm: ConvAlgorithm, _ poolAlgorithm: PoolAlgorithm
    ) throws -> (Tensor<T>, Tensor<Int>?) {
        let arrays = PeerFixtures.onnxArrays
        if c.isConv {
            let w = try arrays.floats("\(c.key)__w", T.self)
            let b = c.biasShape == nil ? nil : try arrays.floats("\(c.key)__b", T.self)
            var options = try c.convOptions()
            options.algorithm = algorithm
            return (try conv2dForward(x, weight: w, bias: b, options: options).output, nil)
        }
        var options = try c.poolCase().options()
        options.algorithm = poolAlgorithm
        let (y, cache) = try pool2dForward(x, options: options)
        return (y, cache.indices)
    }

    func checkDouble(_ c: OnnxCase, _ algorithm: ConvAlgorithm, pool poolAlgorithm: PoolAlgorithm = .fast) throws {
        let arrays = PeerFixtures.onnxArrays
        let (y, indices) = try output(c, try input(c, Double.self), algorithm, poolAlgorithm)
        #expect(y.shape == c.outputShape)
        let published = try arrays.floats("\(c.key)__y", Double.self)
        if try arrays.has("\(c.key)__y64") {
            // Conv and average pooling: exact against the float64 recomputation, and within the
            // published float32 values' precision.
            expectPeerClose(y, try arrays.floats("\(c.key)__y64", Double.self), tolerance: 1e-10, "\(c.name) output (float64)")
            expectPeerClose(y, published, tolerance: c.publishedTolerance, "\(c.name) output (published)")
        } else {
            // Max pooling selects input elements: the published float32 output is exact.
            expectPeerClose(y, published, tolerance: 1e-10, "\(c.name) output")
        }
        if try arrays.has("\(c.key)__indices") {
            #expect(c.returnIndices == true)
            expectPeerIndices(indices, try arrays.integers("\(c.key)__indices"), "\(c.name) indices")
        }
    }

    func checkFloat(_ c: OnnxCase, _ algorithm: ConvAlgorithm, pool poolAlgorithm: PoolAlgorithm = .fast) throws {
        let arrays = PeerFixtures.onnxArrays
        let (y, indices) = try output(c, try input(c, Float.self), algorithm, poolAlgorithm)
        #expect(y.shape == c.outputShape)
        let tolerance = Float(max(1e-5, c.publishedTolerance))
        expectPeerClose(y, try arrays.floats("\(c.key)__y", Float.self), tolerance: tolerance, "\(c.name) output")
        if try arrays.has("\(c.key)__indices") {
            expectPeerIndices(indices, try arrays.integers("\(c.key)__indices"), "\(c.name) indices")
        }
    }

    @Test("ONNX Conv, Double", arguments: convCases, ConvAlgorithm.allCases)
    func convDouble(_ c: OnnxCase, _ algorithm: ConvAlgorithm) throws {
        try checkDouble(c, algorithm)
    }

    @Test("ONNX Conv, Float", arguments: convCases, ConvAlgorithm.allCases)
    func convFloat(_ c: OnnxCase, _ algorithm: ConvAlgorithm) throws {
        try checkFloat(c, algorithm)
    }

    @Test("ONNX pooling, Double", arguments: poolCases, PoolAlgorithm.allCases)
    func poolDouble(_ c: OnnxCase, _ algorithm: PoolAlgorithm) throws {
        try checkDouble(c, .reference, pool: algorithm)
    }

    @Test("ONNX pooling, Float", arguments: poolCases, PoolAlgorithm.allCases)
    func poolFloat(_ c: OnnxCase, _ algorithm: PoolAlgorithm) throws {
        try checkFloat(c, .reference, pool: algorithm)
    }
}
