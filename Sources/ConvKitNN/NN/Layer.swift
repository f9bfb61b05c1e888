import ConvKitCore
/// One layer of a neural network: a forward pass over a batch that keeps what its backward pass
/// needs, and a backward pass that returns the input gradient and accumulates parameter gradients.
///
/// Shapes: a layer is built for one per-sample ``inputShape`` (no batch axis), e.g. `[8, 8, 1]`
/// for an 8×8 grey image in NHWC, and maps a batch `[N] + inputShape` to `[N] + outputShape`.
/// Images are NHWC (`[N, H, W, C]`), flat features `[N, D]`.
///
/// A layer is a value: copying it copies its parameters, gradients and cache (cheaply, by
/// copy-on-write). The forward pass stores its cache in the layer; ``backward(_:needsInputGradient:)``
/// uses it and drops it, so that an optimiser then updates the parameters in place.
///
/// Parameters and their gradients are reached by name (`"weight"`, `"bias"`) through
/// ``TrainableParameters/updateParameters(_:)`` and ``parameters``; non-learnable state
/// (batch-norm running statistics, a dropout's mask counter) through ``buffers``. Both go into
/// checkpoints through ``setTensor(named:to:)``.
public protocol Layer<Scalar>: TrainableParameters, Sendable {
    /// The layer as an item of a model spec; `spec.description` is its canonical text, e.g.
    /// `"conv 16 3x3 same"`.
    var spec: LayerSpec { get }
    /// The shape of one input sample, without the batch axis: `[H, W, C]` or `[D]`.
    var inputShape: [Int] { get }
    /// The shape of one output sample, without the batch axis.
    var outputShape: [Int] { get }

    /// The forward pass over a batch `[N] + inputShape`, returning `[N] + outputShape`.
    ///
    /// `training` selects the behaviour of dropout and batch normalisation; the cache for
    /// ``backward(_:needsInputGradient:)`` is kept in the layer.
    /// - Throws: ``ConvKitError`` when the input's shape is not `[N] + inputShape` with `N ≥ 1`.
    mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar>

    /// The backward pass of the last forward pass: takes ∂L/∂output (`[N] + outputShape`),
    /// adds ∂L/∂parameter to each parameter's gradient and returns ∂L/∂input (`[N] + inputShape`),
    /// or `nil` when `needsInputGradient` is false (the first layer of a model).
    ///
    /// - Throws: ``ConvKitError`` when there was no forward pass since the last backward pass or
    ///   `gradOutput` is not shaped like the forward output.
    mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>?

    /// The learnable parameters in a fixed order, each with its accumulated gradient.
    var parameters: [NamedParameter<Scalar>] { get }

    /// Sets every parameter gradient to zero.
    mutating func zeroGradients()

    /// Non-learnable state saved in checkpoints (batch-norm running statistics, a dropout's
    /// counter), in a fixed order.
    var buffers: [NamedTensor<Scalar>] { get }

    /// The number of non-learnable elements a summary lists as "non-trainable parameters"
    /// (Keras counts batch-norm running statistics there).
    var nonTrainableParameterCount: Int { get }

    /// Replaces the parameter or buffer `name` (as in ``parameters`` or ``buffers``).
    ///
    /// - Throws: ``ConvKitError`` when the layer has no such tensor or the shape differs.
    mutating func setTensor(named name: String, to value: Tensor<Scalar>) throws

    /// Draws the initial weights: `scheme` for the weight, zeros for the bias. Layers without
    /// weights do nothing.
    mutating func initializeParameters(_ scheme: WeightInitialization, rng: inout NumPyRandomState) throws
}

/// Anything whose learnable tensors an ``Optimizer`` can update: a ``Layer`` (names `"weight"`,
/// `"bias"`) or a ``Sequential`` model (names `"0.weight"`, `"3.bias"`, as PyTorch's `state_dict`).
public protocol TrainableParameters<Scalar> {
    /// The element type.
    associatedtype Scalar: ConvKitFloat

    /// Calls `body` with each learnable parameter's name, its value (to update in place) and its
    /// gradient, in a fixed order.
    mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) throws -> Void
    ) throws
}

/// A learnable tensor with its accumulated gradient (same shape).
public struct NamedParameter<Scalar: ConvKitFloat>: Sendable {
    /// `"weight"` or `"bias"` in a layer; prefixed with the layer's index in a model (`"3.weight"`).
    public var name: String
    /// The parameter.
    public var value: Tensor<Scalar>
    /// ∂L/∂value summed over the backward passes since the gradients were last zeroed.
    public var gradient: Tensor<Scalar>

    /// A parameter with its gradient.
    public init(name: String, value: Tensor<Scalar>, gradient: Tensor<Scalar>) {
        self.name = name
        self.value = value
        self.gradient = gradient
    }
}

/// A tensor with a name, as checkpoints and optimiser state store them.
public struct NamedTensor<Scalar: ConvKitFloat>: Sendable {
    /// The name, e.g. `"running_mean"` or `"2.running_mean"`.
    public var name: String
    /// The tensor.
    public var value: Tensor<Scalar>

    /// A named tensor.
    public init(name: String, value: Tensor<Scalar>) {
        self.name = name
        self.value = value
    }
}

extension Layer {
    /// The learnable parameters with their gradients.
    public var parameters: [NamedParameter<Scalar>] { [] }
    /// Sets every parameter gradient to zero.
    public mutating func zeroGradients() {}
    /// The non-learnable state saved in checkpoints.
    public var buffers: [NamedTensor<Scalar>] { [] }
    /// The elements counted as non-trainable parameters.
    public var nonTrainableParameterCount: Int { buffers.reduce(0) { $0 + $1.value.count } }
    /// Calls `body` with each parameter, in place, and its gradient.
    public mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) throws -> Void
    ) throws {}
    /// Draws the initial weights (see ``Layer/initializeParameters(_:rng:)``).
    public mutating func initializeParameters(_ scheme: WeightInitialization, rng: inout NumPyRandomState) throws {}
    /// Replaces a parameter or buffer by name.
    public mutating func setTensor(named name: String, to value: Tensor<Scalar>) throws {
        throw ConvKitError("\(Self.typeName).setTensor", "\(spec) has no tensor named '\(name)'")
    }

    /// The layer's type name for messages and summaries, e.g. `"Conv2D"`.
    static var typeName: String {
        let full = String(describing: Self.self)
        return full.firstIndex(of: "<").map { String(full[..<$0]) } ?? full
    }

    /// The number of learnable elements.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Checks that a forward input is `[N] + inputShape` with `N ≥ 1` and returns `N`.
    func checkInput(_ input: Tensor<Scalar>) throws -> Int {
        guard input.rank == inputShape.count + 1, input.shape.dropFirst().elementsEqual(inputShape),
              input.shape[0] >= 1 else {
            throw ConvKitError(
                "\(Self.typeName).forward",
                "input has shape \(shapeString(input.shape)) but \(spec) expects [N] + \(shapeString(inputShape)) with N ≥ 1")
        }
        return input.shape[0]
    }

    /// Checks that a backward gradient is `[batch] + outputShape`.
    func checkGradOutput(_ gradOutput: Tensor<Scalar>, batch: Int) throws {
        guard gradOutput.shape == [batch] + outputShape else {
            throw ConvKitError(
                "\(Self.typeName).backward",
                "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output of \(spec) had "
                    + shapeString([batch] + outputShape))
        }
    }

    /// The error for a backward pass without a forward pass before it.
    var missingForward: ConvKitError {
        ConvKitError("\(Self.typeName).backward", "\(spec): backward called without a forward pass before it")
    }

    /// The error for a tensor of the wrong shape given to ``setTensor(named:to:)``.
    func wrongShape(_ name: String, _ value: Tensor<Scalar>, expected: [Int]) -> ConvKitError {
        ConvKitError(
            "\(Self.typeName).setTensor",
            "\(spec): '\(name)' must have shape \(shapeString(expected)), got \(shapeString(value.shape))")
    }
}
