import ConvKitCore

/// One node of a graph: its operator, the names of the values it reads and writes, its
/// attributes by name.
struct ONNXNode: Sendable {
    let opType: String
    let name: String
    let inputs: [String]
    let outputs: [String]
    let attributes: [String: Onnx_AttributeProto]

    /// How errors name the node: `Conv node 'conv1'` (or its position when it has no name).
    let label: String
}

/// A graph's nodes in the order they run (ONNX stores them topologically sorted), its
/// initializers, and the operator set version that decides each operator's semantics.
struct ONNXGraph: Sendable {
    let nodes: [ONNXNode]
    let initializers: [String: NPYArray]
    let opset: Int

    init(_ proto: Onnx_GraphProto, opset: Int, source: String) throws {
        self.opset = opset
        var initializers: [String: NPYArray] = [:]
        for tensor in proto.initializer {
            let what = "\(source): initializer '\(tensor.name)'"
            let array = try ONNXTensor.array(tensor, what: what)
            try ONNXShapes.validate(array.shape, what: what, in: "ONNXModel")
            initializers[tensor.name] = array
        }
        guard proto.sparseInitializer.isEmpty else {
            throw ConvKitError("ONNXModel", "\(source): sparse initializers are not supported")
        }
        self.initializers = initializers
        var known = Set(initializers.keys).union(proto.input.map(\.name))
        var nodes: [ONNXNode] = []
        for (index, node) in proto.node.enumerated() {
            let label = "\(node.opType) node '\(node.name.isEmpty ? "#\(index)" : node.name)'"
            guard ONNXOperators.table[node.opType] != nil else {
                throw ConvKitError("ONNXModel", "\(source): \(label): operator \(node.opType) is not supported")
            }
            for input in node.input where !input.isEmpty && !known.contains(input) {
                throw ConvKitError("ONNXModel", "\(source): \(label) reads '\(input)', which no earlier node, input or initializer gives")
            }
            known.formUnion(node.output)
            nodes.append(ONNXNode(
                opType: node.opType, name: node.name, inputs: node.input, outputs: node.output,
                attributes: Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
                label: label))
        }
        for output in proto.output where !known.contains(output.name) {
            throw ConvKitError("ONNXModel", "\(source): output '\(output.name)' is not computed by any node")
        }
        self.nodes = nodes
    }

    /// Runs every node and returns the values named `outputs`. A value is dropped after the
    /// last node that reads it, so intermediate tensors do not pile up.
    func run(_ inputs: [String: NPYArray], outputs: [String], threads: Int?) throws -> [String: NPYArray] {
        for (name, value) in inputs { try ONNXShapes.validate(value.shape, what: "input '\(name)'", in: "ONNXModel.run") }
        var values = initializers.merging(inputs) { _, given in given }
        var lastUse: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for input in node.inputs { lastUse[input] = index } }
        let kept = Set(outputs)
        for (index, node) in nodes.enumerated() {
            let arguments = node.inputs.map { $0.isEmpty ? nil : values[$0] }
            let call = ONNXCall(node: node, inputs: arguments, opset: opset, threads: threads)
            guard let operation = ONNXOperators.table[node.opType] else {
                throw ConvKitError("ONNX \(node.label)", "operator \(node.opType) is not supported")
            }
            let results: [NPYArray?]
            do {
                results = try operation(call)
            } catch let error as ConvKitError where !error.function.hasPrefix("ONNX ") {
                throw ConvKitError("ONNX \(node.label)", "\(error.function): \(error.reason)")
            }
            for (name, value) in zip(node.outputs, results) where !name.isEmpty {
                if let value { try ONNXShapes.validate(value.shape, what: "output '\(name)'", in: "ONNX \(node.label)") }
                values[name] = value
            }
            for input in node.inputs where lastUse[input] == index && !kept.contains(input) && initializers[input] == nil {
                values[input] = nil
            }
        }
        var result: [String: NPYArray] = [:]
        for name in outputs { result[name] = values[name] }
        return result
    }
}
