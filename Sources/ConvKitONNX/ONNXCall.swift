import ConvKitCore

/// One node about to run: its inputs (`nil` for an omitted optional input), its attributes, and
/// the operator set version; the accessors throw errors that name the node.
struct ONNXCall {
    let node: ONNXNode
    let inputs: [NPYArray?]
    let opset: Int
    let threads: Int?
    /// The layout the graph runs this node in: `.nhwc` for the operators of
    /// ``ONNXOperators/nhwcOperators``, whose input 0 is then NHWC and output NHWC.
    var layout: TensorLayout = .nchw
    /// A Conv's weight as (R, S, C/G, K), converted and packed once when the model loaded.
    var packedWeight: Conv2DPackedWeight<Float>? = nil
    /// A Gemm's B, packed once when the model loaded (its input 1 is then not given).
    var packedMatrix: PackedMatrix<Float>? = nil
    /// What a fused Conv does to its output (the Add and Relu it absorbed).
    var epilogue = Conv2DEpilogue<Float>()

    /// An error of this node.
    func error(_ reason: String) -> ConvKitError { ConvKitError("ONNX \(node.label)", reason) }

    /// Input `index`, which the operator needs.
    func input(_ index: Int) throws -> NPYArray {
        guard index < inputs.count, let value = inputs[index] else { throw error("input \(index) is missing") }
        return value
    }

    /// Input `index`, or `nil` when it is omitted.
    func optionalInput(_ index: Int) -> NPYArray? { index < inputs.count ? inputs[index] : nil }

    /// Input `index` as float32: other types are refused rather than converted, as ONNX
    /// Runtime's type checks would.
    func float(_ index: Int) throws -> Tensor<Float> {
        let value = try input(index)
        guard case .float32(let tensor) = value else {
            throw unsupported("input \(index) of type \(value.dtype) (this operator runs on float32)")
        }
        return tensor
    }

    /// Input `index` as integers (int64 or int32), e.g. a shape or axes.
    func integers(_ index: Int) throws -> [Int] {
        switch try input(index) {
        case .int64(let tensor): return tensor.scalars.map { Int($0) }
        case .int32(let tensor): return tensor.scalars.map { Int($0) }
        case let other: throw unsupported("input \(index) of type \(other.dtype) (int64 and int32 are)")
        }
    }

    /// Whether the node sets attribute `name`.
    func has(_ name: String) -> Bool { node.attributes[name] != nil }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let attribute = node.attributes[name] else { return value }
        guard attribute.type == .int else { throw error("attribute \(name) must be an int") }
        return Int(attribute.i)
    }

    func ints(_ name: String) throws -> [Int]? {
        guard let attribute = node.attributes[name] else { return nil }
        guard attribute.type == .ints else { throw error("attribute \(name) must be a list of ints") }
        return attribute.ints.map { Int($0) }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        guard let attribute = node.attributes[name] else { return value }
        guard attribute.type == .float else { throw error("attribute \(name) must be a float") }
        return attribute.f
    }

    func string(_ name: String, default value: String) throws -> String {
        guard let attribute = node.attributes[name] else { return value }
        guard attribute.type == .string else { throw error("attribute \(name) must be a string") }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    func tensor(_ name: String) throws -> NPYArray? {
        guard let attribute = node.attributes[name] else { return nil }
        guard attribute.type == .tensor else { throw error("attribute \(name) must be a tensor") }
        return try ONNXTensor.array(attribute.t, what: "\(node.label): attribute \(name)")
    }

    /// `axis` in `-rank..<rank`, made non-negative.
    func axis(_ axis: Int, rank: Int, what: String = "axis") throws -> Int {
        guard axis >= -rank, axis < rank else { throw error("\(what) \(axis) is outside -\(rank)..<\(rank)") }
        return axis < 0 ? axis + rank : axis
    }

    /// Refuses an attribute value ConvKit does not implement.
    func unsupported(_ what: String) -> ConvKitError { error("\(what) is not supported") }
}
