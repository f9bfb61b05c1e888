import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitONNX

/// The executor's Conv + Add + Relu fusion: which nodes it absorbs, and that the fused graph
/// gives the unfused computation bit for bit.
@Suite struct ONNXFusionTests {
    typealias M = ONNXModelTests

    /// A residual block in torchvision's node order: the shortcut convolution comes after the
    /// main branch, so it is the one that absorbs the Add and the Relu.
    static func residualBlock(outputs: [String]) throws -> (data: Data, weights: [String: Tensor<Float>]) {
        var rng = NumPyRandomState(seed: 5)
        let weights: [String: Tensor<Float>] = [
            "w1": try rng.randn(6, 4, 3, 3).map { Float($0) }, "b1": try rng.randn(6).map { Float($0) },
            "w2": try rng.randn(8, 6, 3, 3).map { Float($0) }, "b2": try rng.randn(8).map { Float($0) },
            "ws": try rng.randn(8, 4, 1, 1).map { Float($0) },
        ]
        let pad = M.ints("pads", [1, 1, 1, 1])
        let data = M.model(
            [M.node("Conv", ["x", "w1", "b1"], ["c1"], [pad]), M.node("Relu", ["c1"], ["r1"]),
             M.node("Conv", ["r1", "w2", "b2"], ["c2"], [pad]),
             M.node("Conv", ["x", "ws"], ["s"]),
             M.node("Add", ["c2", "s"], ["sum"]), M.node("Relu", ["sum"], ["y"])],
            inputs: ["x"], outputs: outputs, initializers: weights)
        return (data, weights)
    }

    @Test func residualBlockFusesAndMatchesTheSeparateOperators() throws {
        let (data, weights) = try Self.residualBlock(outputs: ["y"])
        let model = try ONNXModel(data: data)
        let fusions = model.graph.fusions
        #expect(fusions.keys.sorted() == [0, 3])
        #expect(fusions[0]?.relu == true && fusions[0]?.residual == nil && fusions[0]?.absorbed == [1])
        #expect(fusions[3]?.residual == "c2" && fusions[3]?.relu == true && fusions[3]?.absorbed == [4, 5] && fusions[3]?.output == "y")

        var rng = NumPyRandomState(seed: 6)
        let x = try rng.randn(2, 4, 7, 6).map { Float($0) }
        guard case .float32(let y)? = try model.run(["x": .float32(x)])["y"] else { Issue.record("no float y"); return }
        // The same operators one by one, through the public functions.
        func conv(_ input: Tensor<Float>, _ w: String, _ b: String?, pad: Int) throws -> Tensor<Float> {
            try conv2dForward(input, weight: weights[w]!, bias: b.map { weights[$0]! }, options: Conv2DOptions(padding: .uniform(pad), layout: .nchw)).output
        }
        let r1 = try conv(x, "w1", "b1", pad: 1).map { max($0, 0) }
        let c2 = try conv(r1, "w2", "b2", pad: 1)
        let s = try conv(x, "ws", nil, pad: 0)
        let want = Tensor(uncheckedShape: c2.shape, scalars: zip(c2.scalars, s.scalars).map { max($0 + $1, 0) })
        #expect(y.shape == want.shape)
        #expect(y.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern))
    }

    @Test func valuesTheGraphReturnsAreNotAbsorbed() throws {
        let (data, _) = try Self.residualBlock(outputs: ["y", "c1", "sum"])
        let model = try ONNXModel(data: data)
        // c1 is an output: conv 0 keeps its Relu apart; sum is one: the shortcut absorbs only the Add.
        #expect(model.graph.fusions.keys.sorted() == [3])
        #expect(model.graph.fusions[3]?.absorbed == [4] && model.graph.fusions[3]?.relu == false && model.graph.fusions[3]?.output == "sum")
        var rng = NumPyRandomState(seed: 6)
        let x = try rng.randn(2, 4, 7, 6).map { Float($0) }
        let outputs = try model.run(["x": .float32(x)])
        #expect(outputs.keys.sorted() == ["c1", "sum", "y"])
        let (fusedData, _) = try Self.residualBlock(outputs: ["y"])
        #expect(outputs["y"] == (try ONNXModel(data: fusedData).run(["x": .float32(x)]))["y"])
        guard case .float32(let sum)? = outputs["sum"], case .float32(let y)? = outputs["y"] else { Issue.record("missing outputs"); return }
        #expect(sum.scalars.map { max($0, 0) } == y.scalars)
    }

    @Test func aBroadcastResidualRunsUnfused() throws {
        // Add of a per-channel constant: the graph plans the fusion only for computed operands.
        var rng = NumPyRandomState(seed: 7)
        let w = try rng.randn(3, 2, 1, 1).map { Float($0) }
        let data = M.model(
            [M.node("Conv", ["x", "w"], ["c"]),
             M.node("ReduceMean", ["c"], ["m"], [M.ints("axes", [2, 3]), M.int("keepdims", 1)]),
             M.node("Relu", ["x"], ["rx"]), M.node("Conv", ["rx", "w"], ["d"]),
             M.node("Add", ["d", "m"], ["y"])],
            inputs: ["x"], outputs: ["y"], initializers: ["w": w])
        let model = try ONNXModel(data: data)
        #expect(model.graph.fusions[3]?.residual == "m")
        let x = try rng.randn(1, 2, 4, 5).map { Float($0) }
        guard case .float32(let y)? = try model.run(["x": .float32(x)])["y"] else { Issue.record("no float y"); return }
        // [1, 3, 1, 1] is not the output's shape: the Add runs on its own, broadcasting.
        let options = Conv2DOptions(layout: .nchw)
        let c = try conv2dForward(x, weight: w, bias: nil, options: options).output
        let d = try conv2dForward(x.map { max($0, 0) }, weight: w, bias: nil, options: options).output
        #expect(y.shape == [1, 3, 4, 5])
        for channel in 0..<3 {
            let plane = Array(c.scalars[(channel * 20)..<(channel * 20 + 20)])
            let mean = plane.reduce(0, +) / 20
            for e in 0..<20 {
                #expect(abs(y.scalars[channel * 20 + e] - (d.scalars[channel * 20 + e] + mean)) <= 1e-5)
            }
        }
    }

    /// Conv → BatchNormalization → Relu, and the same Conv whose output is also a graph output.
    static func batchNormBlock(outputs: [String]) throws -> Data {
        var rng = NumPyRandomState(seed: 8)
        let initializers: [String: Tensor<Float>] = [
            "w": try rng.randn(6, 4, 3, 3).map { Float($0) }, "b": try rng.randn(6).map { Float($0) },
            "scale": try rng.randn(6).map { Float($0) }, "shift": try rng.randn(6).map { Float($0) },
            "mean": try rng.randn(6).map { Float($0) }, "var": try rng.rand([6]).map { Float($0) + 0.5 },
        ]
        return M.model(
            [M.node("Conv", ["x", "w", "b"], ["c"], [M.ints("pads", [1, 1, 1, 1])]),
             M.node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], [M.float("epsilon", 1e-3)]),
             M.node("Relu", ["n"], ["y"])],
            inputs: ["x"], outputs: outputs, initializers: initializers)
    }

    @Test func batchNormalizationFoldsIntoTheConvolution() throws {
        let data = try Self.batchNormBlock(outputs: ["y"])
        let folded = try ONNXModel(data: data)
        #expect(folded.graph.nodes.map(\.opType) == ["Conv", "Relu"])
        #expect(folded.graph.fusions[0]?.relu == true)
        // The statistics and the unfolded weight are gone; only the folded pair is kept, packed.
        #expect(folded.graph.initializerNames == ["n::folded_weight", "n::folded_bias"])
        #expect(folded.inputNames == ["x"])
        let exact = try ONNXModel(data: data, optimization: .exact)
        #expect(exact.graph.nodes.map(\.opType) == ["Conv", "BatchNormalization", "Relu"])

        var rng = NumPyRandomState(seed: 9)
        let x = try rng.randn(2, 4, 5, 7).map { Float($0) }
        guard case .float32(let got)? = try folded.run(["x": .float32(x)])["y"],
              case .float32(let want)? = try exact.run(["x": .float32(x)])["y"] else { Issue.record("no float y"); return }
        #expect(got.shape == want.shape)
        let difference = zip(got.scalars, want.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(difference <= 1e-5, "largest relative difference \(difference)")
        #expect(got.scalars != want.scalars, "folding changes the rounding somewhere; equal bits mean nothing was folded")
    }

    @Test func batchNormalizationStaysWhenTheConvolutionOutputIsReadElsewhere() throws {
        let model = try ONNXModel(data: try Self.batchNormBlock(outputs: ["y", "c"]))
        #expect(model.graph.nodes.map(\.opType) == ["Conv", "BatchNormalization", "Relu"])
    }
}
