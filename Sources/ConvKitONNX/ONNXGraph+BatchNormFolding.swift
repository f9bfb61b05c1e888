import ConvKitCore
import Foundation

extension ONNXGraph {
    /// The graph with each inference-mode BatchNormalization that follows a Conv folded into that
    /// Conv's weight and bias, as ONNX Runtime does before it runs a model:
    /// `w'[k] = w[k] · f[k]`, `b'[k] = (b[k] − mean[k]) · f[k] + B[k]` with
    /// `f[k] = scale[k] / sqrt(var[k] + epsilon)`, in float32. The results differ from the
    /// unfolded graph's by rounding only.
    ///
    /// A pair is folded when the Conv's weight (and bias, if any) and the four statistics are
    /// float32 initializers of matching sizes, the Conv's output is read by the
    /// BatchNormalization alone and is no graph output, and the BatchNormalization has one
    /// output (and is not in training mode). Anything else is left as it is.
    static func foldingBatchNormalization(_ graph: Onnx_GraphProto, source: String) throws -> Onnx_GraphProto {
        var initializerIndex: [String: Int] = [:]
        for (index, tensor) in graph.initializer.enumerated() { initializerIndex[tensor.name] = index }
        var readers: [String: Int] = [:]
        for node in graph.node {
            for input in Set(node.input) where !input.isEmpty { readers[input, default: 0] += 1 }
        }
        for output in graph.output { readers[output.name, default: 0] += 1 }
        var producer: [String: Int] = [:]
        for (index, node) in graph.node.enumerated() {
            for output in node.output where !output.isEmpty { producer[output] = index }
        }
        func floats(_ name: String) throws -> Tensor<Float>? {
            guard let index = initializerIndex[name] else { return nil }
            let what = "\(source): initializer '\(name)'"
            guard case .float32(let tensor) = try ONNXTensor.array(graph.initializer[index], what: what) else { return nil }
            return tensor
        }
        var folded = graph
        var removed: Set<Int> = []
        var added: [Onnx_TensorProto] = []
        for (index, node) in graph.node.enumerated() where node.opType == "BatchNormalization" {
            func attribute(_ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
            guard node.input.count == 5, node.output.dropFirst().allSatisfy(\.isEmpty),
                  attribute("training_mode").map({ $0.i == 0 }) ?? true, attribute("spatial").map({ $0.i != 0 }) ?? true,
                  let convIndex = producer[node.input[0]], readers[node.input[0]] == 1
            else { continue }
            let conv = graph.node[convIndex]
            guard conv.opType == "Conv", conv.output.count == 1, conv.input.count >= 2, !removed.contains(convIndex),
                  let weight = try floats(conv.input[1]), weight.rank >= 3,
                  let scale = try floats(node.input[1]), let shift = try floats(node.input[2]),
                  let mean = try floats(node.input[3]), let variance = try floats(node.input[4])
            else { continue }
            let k = weight.shape[0]
            let bias = conv.input.count > 2 && !conv.input[2].isEmpty ? try floats(conv.input[2]) : Tensor(uncheckedShape: [k], scalars: [Float](repeating: 0, count: k))
            guard let bias, [bias, scale, shift, mean, variance].allSatisfy({ $0.shape == [k] }) else { continue }
            let epsilon = attribute("epsilon")?.f ?? 1e-5
            let factor = (0..<k).map { scale.scalars[$0] / (variance.scalars[$0] + epsilon).squareRoot() }
            let perFilter = weight.count / k
            var w = weight.scalars
            for filter in 0..<k {
                for e in 0..<perFilter { w[filter * perFilter + e] *= factor[filter] }
            }
            let b = (0..<k).map { (bias.scalars[$0] - mean.scalars[$0]) * factor[$0] + shift.scalars[$0] }
            let name = node.output[0]
            added.append(ONNXTensor.proto(Tensor(uncheckedShape: weight.shape, scalars: w), name: "\(name)::folded_weight"))
            added.append(ONNXTensor.proto(Tensor(uncheckedShape: [k], scalars: b), name: "\(name)::folded_bias"))
            var fused = conv
            fused.input = [conv.input[0], "\(name)::folded_weight", "\(name)::folded_bias"]
            fused.output = [name]
            folded.node[convIndex] = fused
            removed.insert(index)
        }
        guard !removed.isEmpty else { return graph }
        folded.node = folded.node.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        // Initializers nothing reads any more (the unfolded weights and statistics) are dropped.
        var stillRead = Set(folded.output.map(\.name))
        for node in folded.node { stillRead.formUnion(node.input) }
        let dropped = Set(folded.initializer.map(\.name)).subtracting(stillRead)
        folded.initializer = (folded.initializer + added).filter { !dropped.contains($0.name) }
        folded.input = folded.input.filter { !dropped.contains($0.name) }
        return folded
    }
}
