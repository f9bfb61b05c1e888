import ConvKitCore
import ConvKitNN
import Foundation

extension Sequential {
    /// The model as an ONNX file's bytes: input `"input"` of shape `[N, C, H, W]` (ONNX's NCHW;
    /// the batch is dynamic), output `"logits"`, float32 weights inside, the default opset
    /// `opset` (13 or later). Convolution weights go from `(R, S, C, K)` to ONNX's `(K, C, R, S)`;
    /// before a flatten the activations are transposed back to ConvKit's `(H, W, C)` order, so
    /// dense weights are written as they are. Dropout is left out (inference).
    ///
    /// - Throws: ``ConvKitError`` for an opset below 13.
    public func onnxModel(opset: Int = 17) throws -> Data {
        guard opset >= 13, opset <= 23 else {
            throw ConvKitError("Sequential.onnxModel", "opset must be in 13...23, got \(opset)")
        }
        var graph = Onnx_GraphProto()
        graph.name = "convkit"
        var current = "input"
        var shape = inputShape.count == 3 ? [inputShape[2], inputShape[0], inputShape[1]] : inputShape
        graph.input = [Self.valueInfo("input", dimensions: shape)]
        func add(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], name: String) {
            var node = Onnx_NodeProto()
            (node.opType, node.name, node.input, node.output, node.attribute) = (op, name, inputs, [name], attributes)
            graph.node.append(node)
            current = name
        }
        func initializer(_ name: String, _ tensor: Tensor<Scalar>) -> String {
            graph.initializer.append(ONNXTensor.proto(tensor.map { Float($0) }, name: name))
            return name
        }
        for (index, layer) in layers.enumerated() {
            let parameters = Dictionary(layer.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let buffers = Dictionary(layer.buffers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let name = "\(index).\(layer.spec.description.split(separator: " ").first ?? "layer")"
            switch layer.spec {
            case let .conv2d(_, _, stride, padding, bias):
                guard let weight = parameters["weight"] else { continue }
                var inputs = [current, initializer("\(index).weight", try weight.transposed([3, 2, 0, 1]))]
                if bias, let b = parameters["bias"] { inputs.append(initializer("\(index).bias", b)) }
                add("Conv", inputs, [Self.ints("strides", [stride.height, stride.width])] + Self.padding(padding), name: name)
            case let .maxPool(window, stride), let .avgPool(window, stride):
                let op = if case .maxPool = layer.spec { "MaxPool" } else { "AveragePool" }
                add(op, [current], [Self.ints("kernel_shape", [window.height, window.width]), Self.ints("strides", [stride.height, stride.width])], name: name)
            case .globalAvgPool:
                add("GlobalAveragePool", [current], name: name)
                add("Flatten", [current], name: "\(name).flatten")
            case .relu:
                add("Relu", [current], name: name)
            case .leakyReLU(let alpha):
                add("LeakyRelu", [current], [Self.float("alpha", Float(alpha))], name: name)
            case .flatten:
                if layer.inputShape.count == 3 { add("Transpose", [current], [Self.ints("perm", [0, 2, 3, 1])], name: "\(name).nhwc") }
                add("Flatten", [current], name: name)
            case let .dense(_, bias):
                guard let weight = parameters["weight"] else { continue }
                var inputs = [current, initializer("\(index).weight", weight)]
                if bias, let b = parameters["bias"] { inputs.append(initializer("\(index).bias", b)) }
                add("Gemm", inputs, name: name)
            case .dropout:
                continue
            case let .batchNorm(_, epsilon):
                guard let scale = parameters["weight"], let shift = parameters["bias"],
                      let mean = buffers["running_mean"], let variance = buffers["running_var"] else { continue }
                let inputs = [current] + [("weight", scale), ("bias", shift), ("running_mean", mean), ("running_var", variance)]
                    .map { initializer("\(index).\($0.0)", $0.1) }
                add("BatchNormalization", inputs, [Self.float("epsilon", Float(epsilon))], name: name)
            }
            shape = layer.outputShape
        }
        var output = Self.valueInfo(current, dimensions: shape)
        output.name = "logits"
        add("Identity", [current], name: "logits")
        graph.output = [output]
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "ConvKit"
        var set = Onnx_OperatorSetIdProto()
        set.version = Int64(opset)
        model.opsetImport = [set]
        model.graph = graph
        return try model.serializedBytes()
    }

    /// Writes ``onnxModel(opset:)`` to `url`, atomically.
    public func exportONNX(to url: URL, opset: Int = 17) throws {
        try AtomicFile.write(try onnxModel(opset: opset), to: url, function: "Sequential.exportONNX")
    }

    /// A float32 value of `[N] + dimensions` with a symbolic batch.
    private static func valueInfo(_ name: String, dimensions: [Int]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        shape.dim = [batch] + dimensions.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(size)
            return dimension
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = 1
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var value = Onnx_ValueInfoProto()
        value.name = name
        value.type = type
        return value
    }

    private static func padding(_ padding: Padding) -> [Onnx_AttributeProto] {
        switch padding {
        case .valid: [ints("pads", [0, 0, 0, 0])]
        case .same: [string("auto_pad", "SAME_UPPER")]
        case .sameLower: [string("auto_pad", "SAME_LOWER")]
        case .uniform(let p): [ints("pads", [p, p, p, p])]
        case let .symmetric(h, w): [ints("pads", [h, w, h, w])]
        case let .explicit(top, bottom, left, right): [ints("pads", [top, left, bottom, right])]
        }
    }

    private static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        (attribute.name, attribute.type, attribute.ints) = (name, .ints, values.map { Int64($0) })
        return attribute
    }

    private static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        (attribute.name, attribute.type, attribute.f) = (name, .float, value)
        return attribute
    }

    private static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        (attribute.name, attribute.type, attribute.s) = (name, .string, Data(value.utf8))
        return attribute
    }
}
