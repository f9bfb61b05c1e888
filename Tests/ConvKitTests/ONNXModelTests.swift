import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitONNX

/// ONNX models built here with the generated protobuf types: a small CNN against ConvKit's own
/// functions bit for bit, operator semantics that changed between opsets, and hostile models.
/// (Scripts/onnx-conformance.py runs ONNX's own test data.)
@Suite struct ONNXModelTests {
    /// A model of `nodes` over float inputs, with `initializers`, at `opset`.
    static func model(
        _ nodes: [Onnx_NodeProto], inputs: [String], outputs: [String], initializers: [String: Tensor<Float>] = [:],
        opset: Int64 = 17
    ) -> Data {
        var graph = Onnx_GraphProto()
        graph.node = nodes
        graph.input = (inputs + initializers.keys.sorted()).map { name in
            var value = Onnx_ValueInfoProto()
            value.name = name
            return value
        }
        graph.output = outputs.map { name in
            var value = Onnx_ValueInfoProto()
            value.name = name
            return value
        }
        graph.initializer = initializers.sorted { $0.key < $1.key }.map { tensor($0.value, name: $0.key) }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var set = Onnx_OperatorSetIdProto()
        set.version = opset
        model.opsetImport = [set]
        model.graph = graph
        return (try? model.serializedBytes()) ?? Data()
    }

    static func tensor(_ t: Tensor<Float>, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dataType = 1
        proto.dims = t.shape.map { Int64($0) }
        proto.floatData = t.scalars
        return proto
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = outputs.first ?? op
        node.input = inputs
        node.output = outputs
        node.attribute = attributes
        return node
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map { Int64($0) }
        return attribute
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    @Test func smallNetworkMatchesConvKit() throws {
        var rng = NumPyRandomState(seed: 11)
        let x = try rng.randn(2, 3, 9, 9).map { Float($0) }
        let w = try rng.randn(4, 3, 3, 3).map { Float($0) }
        let b = try rng.randn(4).map { Float($0) }
        let fc = try rng.randn(10, 64).map { Float($0) }
        let data = Self.model(
            [Self.node("Conv", ["x", "w", "b"], ["c"], [Self.ints("pads", [1, 1, 1, 1])]),
             Self.node("Relu", ["c"], ["r"]),
             Self.node("MaxPool", ["r"], ["p"], [Self.ints("kernel_shape", [2, 2]), Self.ints("strides", [2, 2])]),
             Self.node("Flatten", ["p"], ["f"]),
             Self.node("Gemm", ["f", "fc"], ["y"], [Self.int("transB", 1)])],
            inputs: ["x"], outputs: ["y"], initializers: ["w": w, "b": b, "fc": fc])
        let model = try ONNXModel(data: data)
        #expect(model.inputNames == ["x"] && model.outputNames == ["y"] && model.opsetVersion == 17)
        let y = try #require(try model.run(["x": .float32(x)])["y"])
        // The same computation through ConvKit's functions.
        let (c, _) = try conv2dForward(x, weight: w, bias: b, options: Conv2DOptions(padding: 1, layout: .nchw))
        let (p, _) = try pool2dForward(c.map { max($0, 0) }, options: Pool2DOptions(.max, window: 2, layout: .nchw))
        let flat = try p.reshaped([2, 64])
        var want = [Float](repeating: 0, count: 20)
        for i in 0..<2 {
            for j in 0..<10 {
                for k in 0..<64 { want[i * 10 + j] += flat.scalars[i * 64 + k] * fc.scalars[j * 64 + k] }
            }
        }
        guard case .float32(let got) = y else { Issue.record("y is \(y.dtype)"); return }
        #expect(got.shape == [2, 10])
        #expect(got.isClose(to: try Tensor(shape: [2, 10], scalars: want), relativeTolerance: 1e-5, absoluteTolerance: 1e-5))
    }

    /// A Gemm's B that is an initializer is packed when the model loads and not kept as an array;
    /// the results are the bits of the same Gemm given B as an input, for every transA, transB.
    @Test func gemmWithPackedWeightMatchesGivenWeight() throws {
        var rng = NumPyRandomState(seed: 5)
        let (m, k, n) = (3, 300, 37)
        let c = try rng.randn(n).map { Float($0) }
        for transA in [0, 1] {
            for transB in [0, 1] {
                let a = try rng.randn(transA == 1 ? [k, m] : [m, k]).map { Float($0) }
                let b = try rng.randn(transB == 1 ? [n, k] : [k, n]).map { Float($0) }
                let attributes = [Self.int("transA", transA), Self.int("transB", transB), Self.float("alpha", 0.5), Self.float("beta", 2)]
                let gemm = Self.node("Gemm", ["a", "b", "c"], ["y"], attributes)
                let packed = try ONNXModel(data: Self.model([gemm], inputs: ["a"], outputs: ["y"], initializers: ["b": b, "c": c]))
                let given = try ONNXModel(data: Self.model([gemm], inputs: ["a", "b"], outputs: ["y"], initializers: ["c": c]))
                #expect(packed.graph.packedMatrices.count == 1 && packed.graph.initializers["b"] == nil)
                #expect(given.graph.packedMatrices.isEmpty)
                let y = try #require(try packed.run(["a": .float32(a)])["y"])
                let want = try #require(try given.run(["a": .float32(a), "b": .float32(b)])["y"])
                guard case .float32(let got) = y, case .float32(let expected) = want else { Issue.record("not float32"); return }
                #expect(got.shape == [m, n] && got.scalars == expected.scalars, "transA \(transA), transB \(transB)")
                // A of the wrong depth: one error naming both shapes.
                let wrong = try rng.randn([m, k + 1]).map { Float($0) }
                let error = #expect(throws: ConvKitError.self) {
                    try packed.run(["a": .float32(transA == 1 ? try wrong.transposed([1, 0]) : wrong)])
                }
                #expect(error?.description.contains("do not multiply") == true, "\(String(describing: error))")
            }
        }
    }

    /// Clip's bounds moved from attributes to inputs in opset 11; Softmax went from a 2-d
    /// flattening to one axis in opset 13.
    @Test func semanticsFollowTheOpset() throws {
        let x = try Tensor<Float>(shape: [1, 2, 3], scalars: [-2, -1, 0, 1, 2, 3])
        let clip6 = try ONNXModel(data: Self.model(
            [Self.node("Clip", ["x"], ["y"], [Self.float("min", -1), Self.float("max", 2)])], inputs: ["x"], outputs: ["y"], opset: 6))
        #expect(try clip6.run(["x": .float32(x)])["y"] == .float32(try Tensor(shape: [1, 2, 3], scalars: [-1, -1, 0, 1, 2, 2])))
        let clip13 = try ONNXModel(data: Self.model(
            [Self.node("Clip", ["x", "low", "high"], ["y"])], inputs: ["x"], outputs: ["y"],
            initializers: ["low": Tensor(uncheckedShape: [], scalars: [0]), "high": Tensor(uncheckedShape: [], scalars: [1])], opset: 13))
        #expect(try clip13.run(["x": .float32(x)])["y"] == .float32(try Tensor(shape: [1, 2, 3], scalars: [0, 0, 0, 1, 1, 1])))
        for (opset, sum) in [(11, 1), (13, 2)] {
            let softmax = try ONNXModel(data: Self.model([Self.node("Softmax", ["x"], ["y"])], inputs: ["x"], outputs: ["y"], opset: Int64(opset)))
            guard case .float32(let y) = try #require(try softmax.run(["x": .float32(x)])["y"]) else { return }
            // Opset 11 normalises over the 6 values after axis 1, opset 13 over each row of 3.
            #expect(abs(y.scalars.reduce(0, +) - Float(sum)) < 1e-5, "opset \(opset)")
        }
    }

    /// What fuzzing found, kept: pads that make a 2-million-element output took over 10 s in
    /// the fuzzer's ASan build when every element went through a closure (now moved axis by axis).
    @Test func fuzzFindingLargePad() throws {
        let data = Self.model(
            [Self.node("Pad", ["x", "p"], ["q"]), Self.node("Slice", ["q", "st", "en"], ["s"]), Self.node("Concat", ["s", "s"], ["y"], [Self.int("axis", 1)])],
            inputs: ["x", "p", "st", "en"], outputs: ["y"])
        let model = try ONNXModel(data: data)
        let y = try model.run([
            "x": .float32(try Tensor(zeros: [1, 2, 4, 4])), "p": .int64(Tensor([0, 0, 1, 1, 14848, 0, 1, 1])),
            "st": .int64(Tensor([1])), "en": .int64(Tensor([8606711811])),
        ])["y"]
        #expect(y?.shape == [14848, 4, 6, 6])
    }

    @Test func hostileModelsAreRefused() throws {
        func refuses(_ data: Data, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try ONNXModel(data: data, source: "m.onnx")
                Issue.record("accepted", sourceLocation: sourceLocation)
            } catch let error as ConvKitError {
                #expect(error.description.contains(words), "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        let good = Self.model([Self.node("Relu", ["x"], ["y"])], inputs: ["x"], outputs: ["y"])
        refuses(good.prefix(good.count / 2), "is not an ONNX model")
        refuses(Data("not a model".utf8), "is not an ONNX model")
        refuses(Self.model([Self.node("Celu", ["x"], ["y"])], inputs: ["x"], outputs: ["y"]), "Celu node 'y': operator Celu is not supported")
        refuses(Self.model([Self.node("Relu", ["z"], ["y"])], inputs: ["x"], outputs: ["y"]), "reads 'z', which no earlier node")
        refuses(Self.model([Self.node("Relu", ["x"], ["y"])], inputs: ["x"], outputs: ["y"], opset: 5), "opset 5, which is not supported")
        var external = Self.tensor(try Tensor(shape: [2], scalars: [1, 2]), name: "w")
        external.dataLocation = .external
        var proto = try Onnx_ModelProto(serializedBytes: good)
        proto.graph.initializer = [external]
        refuses(try proto.serializedBytes(), "data stored outside the model file is not supported")
        var huge = Self.tensor(try Tensor(shape: [1], scalars: [1]), name: "w")
        huge.dims = [Int64.max, 2]
        proto.graph.initializer = [huge]
        refuses(try proto.serializedBytes(), "overflow")
        huge.dims = [1 << 40]
        proto.graph.initializer = [huge]
        refuses(try proto.serializedBytes(), "more than the memory limit")

        // An empty tensor whose other dimensions multiply past Int.max.
        var hollow = Self.tensor(try Tensor(shape: [0], scalars: []), name: "w")
        hollow.dims = [0, 1 << 62, 1 << 62]
        proto.graph.initializer = [hollow]
        refuses(try proto.serializedBytes(), "overflow")

        let model = try ONNXModel(data: good)
        #expect(throws: ConvKitError.self) { _ = try model.run([:]) }
        #expect(throws: ConvKitError.self) { _ = try model.run(["x": .float32(Tensor([1])), "q": .float32(Tensor([1]))]) }
        #expect(throws: ConvKitError.self) { _ = try model.run(["x": .float64(Tensor([1]))]) }
        // A shape from the data that overflows, and one that asks for more than the memory limit.
        let reshape = try ONNXModel(data: Self.model([Self.node("ConstantOfShape", ["s"], ["y"])], inputs: ["s"], outputs: ["y"]))
        for shape: [Int64] in [[Int64.max, 2], [1 << 40], [-1], [0, 1 << 62, 1 << 62]] {
            #expect(throws: ConvKitError.self) { _ = try reshape.run(["s": .int64(Tensor(shape))]) }
        }
        // Pads and steps at the edges of Int, from the data.
        let pad = try ONNXModel(data: Self.model([Self.node("Pad", ["x", "p"], ["y"])], inputs: ["x", "p"], outputs: ["y"]))
        let slice = try ONNXModel(data: Self.model([Self.node("Slice", ["x", "a", "b", "c", "d"], ["y"])], inputs: ["x", "a", "b", "c", "d"], outputs: ["y"]))
        let x = NPYArray.float32(try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        for extreme in [Int64.max, Int64.max / 2, Int64.min, -3] {
            #expect(throws: ConvKitError.self) { _ = try pad.run(["x": x, "p": .int64(Tensor([extreme, 0, extreme, 0]))]) }
        }
        for step in [Int64.min, 0] {
            #expect(throws: ConvKitError.self) {
                _ = try slice.run(["x": x, "a": .int64(Tensor([0])), "b": .int64(Tensor([2])), "c": .int64(Tensor([0])), "d": .int64(Tensor([step]))])
            }
        }
        let reversed = try slice.run(["x": x, "a": .int64(Tensor([Int64.max])), "b": .int64(Tensor([Int64.min])), "c": .int64(Tensor([1])), "d": .int64(Tensor([-1]))])
        #expect(reversed["y"] == .float32(try Tensor(shape: [2, 2], scalars: [2, 1, 4, 3])))
    }
}
