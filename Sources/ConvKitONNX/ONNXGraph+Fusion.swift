import ConvKitCore

/// A convolution that also does the operators after it: a residual `Add` of another value of its
/// output's shape, then a `Relu` (either may be absent, not both), applied to each block of
/// its output while it is in cache (``conv2dForwardPrepacked(_:weight:bias:options:epilogue:)``).
/// The absorbed nodes do not run and their intermediate values never exist.
struct ConvFusion: Sendable {
    /// The value added to the convolution's output, or nil.
    let residual: String?
    /// Whether a Relu follows.
    let relu: Bool
    /// The name the fused result takes: the last absorbed node's output.
    let output: String
    /// The absorbed Add and Relu nodes.
    let absorbed: [Int]
}

extension ONNXGraph {
    /// The fusions of a graph, found as ONNX Runtime's Conv+Add+Relu fusion finds them: a Conv
    /// with a packed weight whose one output feeds only an Add (whose other input was computed
    /// before the Conv runs) or only a Relu, and an Add that feeds only a Relu; no absorbed
    /// value is a graph output.
    static func fusions(
        _ nodes: [ONNXNode], packed: [Int: Conv2DPackedWeight<Float>], graphOutputs: Set<String>
    ) -> [Int: ConvFusion] {
        var producer: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producer[output] = index }
            for input in Set(node.inputs) where !input.isEmpty { consumers[input, default: []].append(index) }
        }
        // The one node that reads `name`, when nothing else (not even the graph's outputs) does.
        func soleConsumer(_ name: String) -> Int? {
            guard !graphOutputs.contains(name), let readers = consumers[name], readers.count == 1 else { return nil }
            return readers[0]
        }
        func fusableConv(_ name: String) -> Int? {
            guard let index = producer[name], packed[index] != nil, nodes[index].outputs.count == 1 else { return nil }
            return index
        }
        func relu(after name: String) -> Int? {
            guard let next = soleConsumer(name), nodes[next].opType == "Relu", nodes[next].inputs.count == 1 else { return nil }
            return next
        }
        var fusions: [Int: ConvFusion] = [:]
        for (index, node) in nodes.enumerated() {
            switch node.opType {
            case "Add" where node.inputs.count == 2 && node.inputs[0] != node.inputs[1] && node.outputs.count == 1:
                // The later of the two convolutions absorbs the Add: the other operand exists by then.
                let candidates = (0..<2).compactMap { side -> (conv: Int, residual: String)? in
                    let (mine, other) = (node.inputs[side], node.inputs[1 - side])
                    guard let conv = fusableConv(mine), soleConsumer(mine) == index,
                          let before = producer[other], before < conv else { return nil }
                    return (conv, other)
                }
                guard let chosen = candidates.max(by: { $0.conv < $1.conv }) else { continue }
                let next = relu(after: node.outputs[0])
                fusions[chosen.conv] = ConvFusion(
                    residual: chosen.residual, relu: next != nil, output: next.map { nodes[$0].outputs[0] } ?? node.outputs[0],
                    absorbed: [index] + (next.map { [$0] } ?? []))
            case "Conv":
                guard fusions[index] == nil, fusableConv(node.outputs.first ?? "") == index, let next = relu(after: node.outputs[0]) else { continue }
                fusions[index] = ConvFusion(residual: nil, relu: true, output: nodes[next].outputs[0], absorbed: [next])
            default:
                continue
            }
        }
        return fusions
    }
}
