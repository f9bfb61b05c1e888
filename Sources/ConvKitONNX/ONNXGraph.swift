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
    /// The initializers that are kept as arrays (a weight only convolutions read lives in
    /// ``packedWeights`` instead).
    let initializers: [String: NPYArray]
    /// The names of all initializers.
    let initializerNames: Set<String>
    let opset: Int
    /// For each Conv whose weight is an initializer: that weight as (R, S, C/G, K), packed for
    /// the kernels, so that the convolution runs in NHWC without converting or packing it on
    /// every run.
    let packedWeights: [Int: Conv2DPackedWeight<Float>]
    /// For each Gemm whose B is an initializer: B packed for the GEMM kernels once.
    let packedMatrices: [Int: PackedMatrix<Float>]
    /// Convolutions that also do the Add and Relu after them, by the Conv's index.
    let fusions: [Int: ConvFusion]

    /// Takes `proto` and empties its initializers one by one as they are converted, so that a
    /// caller that hands over its only copy holds each weight's bytes only until it is packed.
    init(_ proto: consuming Onnx_GraphProto, opset: Int, source: String) throws {
        self.opset = opset
        guard proto.sparseInitializer.isEmpty else {
            throw ConvKitError("ONNXModel", "\(source): sparse initializers are not supported")
        }
        initializerNames = Set(proto.initializer.map(\.name))
        var known = initializerNames.union(proto.input.map(\.name))
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
        // Each initializer is converted in turn; a Conv weight or a Gemm's B is packed at once, and
        // not kept as an array when such nodes are all that read it (one copy of the weights in memory).
        var convReaders: [String: [Int]] = [:], gemmReaders: [String: [Int]] = [:]
        var otherReaders: Set<String> = Set(proto.output.map(\.name))
        for (index, node) in nodes.enumerated() {
            for (position, input) in node.inputs.enumerated() where !input.isEmpty {
                switch (node.opType, position) {
                case ("Conv", 1): convReaders[input, default: []].append(index)
                case ("Gemm", 1): gemmReaders[input, default: []].append(index)
                default: otherReaders.insert(input)
                }
            }
        }
        var initializers: [String: NPYArray] = [:]
        var packedWeights: [Int: Conv2DPackedWeight<Float>] = [:]
        var packedMatrices: [Int: PackedMatrix<Float>] = [:]
        for position in proto.initializer.indices {
            let tensor = proto.initializer[position]
            proto.initializer[position] = Onnx_TensorProto()
            let what = "\(source): initializer '\(tensor.name)'"
            let array = try ONNXTensor.array(tensor, what: what)
            try ONNXShapes.validate(array.shape, what: what, in: "ONNXModel")
            var keep = otherReaders.contains(tensor.name)
            if case .float32(let weight) = array, weight.rank == 4, let readers = convReaders[tensor.name] {
                let rsck = TensorLayout.nchw.weightToRSCK(weight)
                for index in readers {
                    let attributes = nodes[index].attributes
                    let groups = attributes["group"].flatMap { $0.type == .int ? Int(exactly: $0.i) : nil } ?? 1
                    // The node's strides and dilations (absent: 1; malformed: 0, which the node reports when it runs).
                    let pair = { (name: String) -> Size2D in
                        guard let attribute = attributes[name] else { return 1 }
                        let ints = attribute.ints.compactMap { Int(exactly: $0) }
                        return attribute.type == .ints && ints.count == 2 ? Size2D(height: ints[0], width: ints[1]) : 0
                    }
                    let winograd = WinogradConvolution.chosen(
                        kernel: Size2D(height: rsck.shape[0], width: rsck.shape[1]), stride: pair("strides"),
                        dilation: pair("dilations"), groups: groups, inputChannels: rsck.shape[2],
                        outputChannels: rsck.shape[3], paddingMode: .zeros, algorithm: .fast)
                    // A weight the convolution would refuse is left to it, to say so when the node runs.
                    packedWeights[index] = try? Conv2DPackedWeight(rsck: rsck, groups: groups, winograd: winograd)
                    keep = keep || packedWeights[index] == nil
                }
            } else if case .float32(let b) = array, b.rank == 2, let readers = gemmReaders[tensor.name] {
                for index in readers { packedMatrices[index] = Self.packedMatrix(b, for: nodes[index]) }
            } else {
                keep = true
            }
            // A Gemm whose B was not packed (a malformed transB) reads the array, to report it.
            keep = keep || gemmReaders[tensor.name, default: []].contains { packedMatrices[$0] == nil }
            if keep { initializers[tensor.name] = array }
        }
        self.initializers = initializers
        self.packedWeights = packedWeights
        self.packedMatrices = packedMatrices
        fusions = Self.fusions(nodes, packed: packedWeights, graphOutputs: Set(proto.output.map(\.name)))
    }

    /// Runs every node and returns the values named `outputs`. A value is dropped after the
    /// last node that reads it, so intermediate tensors do not pile up.
    func run(_ inputs: [String: NPYArray], outputs: [String], threads: Int?) throws -> [String: NPYArray] {
        for (name, value) in inputs { try ONNXShapes.validate(value.shape, what: "input '\(name)'", in: "ONNXModel.run") }
        var values = initializers.merging(inputs) { _, given in given }
        var lastUse: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for input in node.inputs { lastUse[input] = index } }
        let kept = Set(outputs)
        // Values held in NHWC (logically still ONNX's NCHW): convolutions and what follows them
        // stay in the layout the fast kernels use, and only other operators see NCHW.
        var nhwc: Set<String> = []
        // Absorbed nodes whose convolution ran fused: they only release their inputs.
        var fused: Set<Int> = []
        func release(_ node: ONNXNode, at index: Int) {
            for input in node.inputs where lastUse[input] == index && !kept.contains(input) && !initializerNames.contains(input) {
                values[input] = nil
            }
        }
        for (index, node) in nodes.enumerated() {
            if fused.contains(index) {
                release(node, at: index)
                continue
            }
            let layout = layout(of: node, at: index, values: values, nhwc: nhwc)
            let arguments = node.inputs.enumerated().map { position, name -> NPYArray? in
                guard !name.isEmpty, let value = values[name] else { return nil }
                let isNHWC = nhwc.contains(name)
                switch (layout, value) {
                case (.layoutFree, _):
                    return value
                case (.operatorNHWC, .float32(let tensor)) where position == 0:
                    return isNHWC ? value : .float32(TensorLayout.nchw.activationToNHWC(tensor))
                case (_, .float32(let tensor)) where isNHWC:
                    return .float32(TensorLayout.nchw.activationFromNHWC(tensor))
                default:
                    return value
                }
            }
            var call = ONNXCall(node: node, inputs: arguments, opset: opset, threads: threads)
            call.packedMatrix = packedMatrices[index]
            var outputs = node.outputs
            if layout == .operatorNHWC {
                call.layout = .nhwc
                call.packedWeight = packedWeights[index]
                if let fusion = fusions[index], let epilogue = try epilogue(fusion, for: call, values: values, nhwc: nhwc) {
                    call.epilogue = epilogue
                    outputs = [fusion.output]
                    fused.formUnion(fusion.absorbed)
                }
            }
            guard let operation = ONNXOperators.table[node.opType] else {
                throw ConvKitError("ONNX \(node.label)", "operator \(node.opType) is not supported")
            }
            let results: [NPYArray?]
            do {
                results = try operation(call)
            } catch let error as ConvKitError where !error.function.hasPrefix("ONNX ") {
                throw ConvKitError("ONNX \(node.label)", "\(error.function): \(error.reason)")
            }
            for (name, value) in zip(outputs, results) where !name.isEmpty {
                if let value { try ONNXShapes.validate(value.shape, what: "output '\(name)'", in: "ONNX \(node.label)") }
                values[name] = value
                if layout == .nchw { nhwc.remove(name) } else { nhwc.insert(name) }
            }
            release(node, at: index)
        }
        var result: [String: NPYArray] = [:]
        for name in outputs {
            if nhwc.contains(name), case .float32(let tensor)? = values[name] {
                result[name] = .float32(TensorLayout.nchw.activationFromNHWC(tensor))
            } else {
                result[name] = values[name]
            }
        }
        return result
    }

    /// The epilogue of a fused convolution about to run in NHWC, or nil (it then runs alone and
    /// the absorbed nodes after it) when its residual is not a float32 tensor of its output's shape.
    func epilogue(
        _ fusion: ConvFusion, for call: ONNXCall, values: [String: NPYArray], nhwc: Set<String>
    ) throws -> Conv2DEpilogue<Float>? {
        guard let name = fusion.residual else { return Conv2DEpilogue(relu: fusion.relu) }
        guard case .float32(let residual)? = values[name], residual.rank == 4 else { return nil }
        let nhwcResidual = nhwc.contains(name) ? residual : TensorLayout.nchw.activationToNHWC(residual)
        guard try ONNXOperators.convOutputShapeNHWC(call) == nhwcResidual.shape else { return nil }
        return Conv2DEpilogue(residual: nhwcResidual, relu: fusion.relu)
    }

    /// How a node runs with respect to layouts.
    enum NodeLayout {
        /// On NCHW values (NHWC inputs are converted first).
        case nchw
        /// An operator of ``ONNXOperators/nhwcOperators`` in NHWC: input 0 converted if needed.
        case operatorNHWC
        /// An element-by-element operator on NHWC values as they are.
        case layoutFree
    }

    /// NHWC for the operators that have it, on a 4-d float input (a MaxPool asked for indices
    /// and a Conv whose weight is not an initializer stay NCHW); element-by-element operators
    /// keep NHWC when input 0 is NHWC and every other input is NHWC of the same shape or a
    /// single value.
    func layout(of node: ONNXNode, at index: Int, values: [String: NPYArray], nhwc: Set<String>) -> NodeLayout {
        guard let first = node.inputs.first, case .float32(let x)? = values[first], x.rank == 4 else { return .nchw }
        if ONNXOperators.nhwcOperators.contains(node.opType) {
            if node.opType == "MaxPool", node.outputs.count > 1, !node.outputs[1].isEmpty { return .nchw }
            if node.opType == "Conv", packedWeights[index] == nil { return .nchw }
            return .operatorNHWC
        }
        guard ONNXOperators.layoutFree.contains(node.opType), nhwc.contains(first) else { return .nchw }
        for name in node.inputs.dropFirst() where !name.isEmpty {
            guard let value = values[name] else { continue }
            let sameLayout = nhwc.contains(name) && value.shape == x.shape
            guard sameLayout || value.shape.reduce(1, *) <= 1 else { return .nchw }
        }
        return .layoutFree
    }
}
