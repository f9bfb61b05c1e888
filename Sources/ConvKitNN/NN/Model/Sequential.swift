import ConvKitCore
/// A model that runs layers one after the other: `y = layerₖ(… layer₁(layer₀(x)))`.
///
/// Shapes: built for a per-sample ``inputShape`` (`[H, W, C]` NHWC, or `[D]`), it maps a batch
/// `[N] + inputShape` to `[N] + outputShape`; every layer's shapes are inferred when the model is
/// built, and a layer that does not fit its input is an error naming it.
///
/// Parameters are named as in PyTorch's `state_dict`: the layer's index, a dot and the layer's
/// name (`"0.weight"`, `"7.bias"`, `"1.running_mean"`).
///
/// ```swift
/// var model = try Sequential<Float>(ModelSpec.digits, seed: 1)
/// var adam = Adam<Float>(learningRate: 1e-3)
/// model.zeroGradients()
/// let logits = try model.forward(images, training: true)            // [N, 10]
/// let (loss, gradient) = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: labels)
/// try model.backward(gradient)
/// try adam.step(&model)
/// ```
public struct Sequential<Scalar: ConvKitFloat>: TrainableParameters, Sendable {
    /// The layers in order.
    public internal(set) var layers: [any Layer<Scalar>]
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The mode ``forward(_:)`` uses: training (dropout active, batch statistics) or evaluation.
    public var isTraining = true

    /// A model from layers already built; each layer's input shape must be the output shape of
    /// the layer before it (the first one's, `inputShape`).
    ///
    /// - Throws: ``ConvKitError`` naming the first layer whose input shape does not fit.
    public init(layers: [any Layer<Scalar>], inputShape: [Int]) throws {
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            guard layer.inputShape == shape else {
                throw ConvKitError(
                    "Sequential",
                    "layer \(index) '\(layer.spec)' was built for input \(shapeString(layer.inputShape)) "
                        + "but receives \(shapeString(shape))")
            }
            shape = layer.outputShape
        }
        self.layers = layers
        self.inputShape = inputShape
    }

    /// Builds the model of `spec` for samples of `inputShape` (the spec's own input shape when
    /// `nil`) and draws its initial weights from numpy's generator seeded with `seed`: He normal
    /// (fan-in) for every weighted layer but the last, whose gain follows the leaky ReLU after it
    /// if any; Glorot uniform for the last weighted layer; biases zero. The same seed gives the
    /// same model.
    ///
    /// - Throws: ``ConvKitError`` when no input shape is known, `inputShape` contradicts the
    ///   spec's, or a layer does not fit its input (e.g. a pool larger than its input).
    public init(_ spec: ModelSpec, inputShape: [Int]? = nil, seed: UInt32 = 0) throws {
        try self.init(spec, inputShape: inputShape, seed: seed, parameterBudget: nil)
    }

    /// ``init(_:inputShape:seed:)`` that refuses, before allocating a layer, a spec whose
    /// parameters would exceed `parameterBudget` elements (a checkpoint passes the number of
    /// elements its file holds) or, together, the memory limit of ``ResourceLimits``.
    init(_ spec: ModelSpec, inputShape: [Int]?, seed: UInt32, parameterBudget: Int?) throws {
        guard let shape = inputShape ?? spec.inputShape else {
            throw ConvKitError("Sequential", "the spec '\(spec)' names no input shape and none was given")
        }
        if let inputShape, let specShape = spec.inputShape, inputShape != specShape {
            throw ConvKitError(
                "Sequential",
                "input shape \(shapeString(inputShape)) differs from the spec's \(shapeString(specShape)) ('\(spec)')")
        }
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
            throw ConvKitError("Sequential", "input shape \(shapeString(shape)) must have positive sizes")
        }
        var layers: [any Layer<Scalar>] = []
        var current = shape
        var parameters = 0
        for (index, item) in spec.layers.enumerated() {
            do {
                parameters = try Checked.sum(
                    parameters, item.parameterCount(inputShape: current, function: "Sequential"),
                    what: "the model's parameter count", in: "Sequential")
                if let parameterBudget, parameters > parameterBudget {
                    throw ConvKitError(
                        "Sequential", "layers 0...\(index) need \(parameters) parameters but only \(parameterBudget) are given")
                }
                try ResourceLimits.check(
                    elements: parameters, of: MemoryLayout<Scalar>.stride, what: "the parameters of layers 0...\(index)",
                    in: "Sequential")
                let layer: any Layer<Scalar> = try item.makeLayer(
                    inputShape: current, seed: dropoutSeed(seed ^ 0x5EED_0000, draw: index))
                current = layer.outputShape
                layers.append(layer)
            } catch let error as ConvKitError {
                throw ConvKitError(
                    "Sequential",
                    "layer \(index) '\(item)' does not fit its input \(shapeString(current)): \(error.reason)")
            }
        }
        try self.init(layers: layers, inputShape: shape)
        var rng = NumPyRandomState(seed: seed)
        let weighted = spec.layers.indices.filter { spec.layers[$0].hasWeight }
        for index in weighted {
            try layers[index].initializeParameters(
                Self.initialization(of: index, in: spec.layers, last: index == weighted.last), rng: &rng)
        }
        self.layers = layers
    }

    /// He normal for a weighted layer followed (past batch norms, dropouts and pools) by a
    /// rectifier; Glorot uniform for the last weighted layer.
    static func initialization(of index: Int, in specs: [LayerSpec], last: Bool) -> WeightInitialization {
        if last { return .glorotUniform }
        for item in specs[(index + 1)...] {
            switch item {
            case .leakyReLU(let alpha): return .heNormal(negativeSlope: alpha)
            case .relu: return .heNormal(negativeSlope: 0)
            case .conv2d, .dense: return .heNormal(negativeSlope: 0)
            default: continue
            }
        }
        return .heNormal(negativeSlope: 0)
    }

    /// The model as a spec, with its input shape; its `description` parses back to this model's
    /// architecture.
    public var spec: ModelSpec { ModelSpec(inputShape: inputShape, layers: layers.map(\.spec)) }

    /// The shape of one output sample, without the batch axis.
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }

    /// Runs every layer on a batch `[N] + inputShape`, in training or evaluation mode, keeping
    /// each layer's cache for ``backward(_:needsInputGradient:)``.
    ///
    /// - Returns: `[N] + outputShape`, e.g. the logits `[N, 10]`.
    /// - Throws: ``ConvKitError`` when the input is not `[N] + inputShape`.
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        guard input.rank == inputShape.count + 1, input.shape.dropFirst().elementsEqual(inputShape),
              input.shape[0] >= 1 else {
            throw ConvKitError(
                "Sequential.forward",
                "input has shape \(shapeString(input.shape)) but the model expects [N] + \(shapeString(inputShape)) with N ≥ 1")
        }
        var x = input
        for index in layers.indices {
            x = try layers[index].forward(x, training: training)
        }
        return x
    }

    /// ``forward(_:training:)`` in the mode ``isTraining`` says.
    public mutating func forward(_ input: Tensor<Scalar>) throws -> Tensor<Scalar> {
        try forward(input, training: isTraining)
    }

    /// Runs every layer's backward pass, last to first, from ∂L/∂output (`[N] + outputShape`),
    /// adding to every parameter's gradient.
    ///
    /// The first layer's input gradient is computed only when `needsInputGradient` is true
    /// (a first convolution then skips its most expensive part).
    /// - Returns: ∂L/∂input (`[N] + inputShape`), or `nil` when not asked for.
    /// - Throws: ``ConvKitError`` when there was no forward pass or the gradient's shape is wrong.
    @discardableResult
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool = false) throws -> Tensor<Scalar>? {
        var gradient = gradOutput
        for index in layers.indices.reversed() {
            let needed = index > 0 || needsInputGradient
            guard let next = try layers[index].backward(gradient, needsInputGradient: needed) else { return nil }
            gradient = next
        }
        return gradient
    }

    /// Sets every parameter gradient to zero (before each training step: gradients accumulate).
    public mutating func zeroGradients() {
        for index in layers.indices { layers[index].zeroGradients() }
    }

    /// Every learnable parameter with its gradient, named `"<layer index>.<name>"`.
    public var parameters: [NamedParameter<Scalar>] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { NamedParameter(name: "\(index).\($0.name)", value: $0.value, gradient: $0.gradient) }
        }
    }

    /// The number of learnable elements (6,090 for ``ModelSpec/digits``).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The number of non-learnable elements Keras lists as non-trainable (batch-norm statistics).
    public var nonTrainableParameterCount: Int { layers.reduce(0) { $0 + $1.nonTrainableParameterCount } }

    /// Calls `body` with each parameter, in place, and its gradient.
    public mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) throws -> Void
    ) throws {
        for index in layers.indices {
            try layers[index].updateParameters { name, value, gradient in
                try body("\(index).\(name)", &value, gradient)
            }
        }
    }
}
