import ConvKitCore
/// AdamW: Adam with decoupled weight decay, exactly as PyTorch's `torch.optim.AdamW`:
/// `p = p · (1 − learningRate · weightDecay)`, then the ``Adam`` update without any L2 term.
///
/// State: `"step"`, `"<parameter>.exp_avg"` and `"<parameter>.exp_avg_sq"`.
public struct AdamW<Scalar: ConvKitFloat>: Optimizer {
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The decay of the first moment (PyTorch's default 0.9).
    public var beta1: Double
    /// The decay of the second moment (PyTorch's default 0.999).
    public var beta2: Double
    /// Added to the denominator (PyTorch's default 1e-8).
    public var epsilon: Double
    /// The decoupled weight decay (PyTorch's default 0.01).
    public var weightDecay: Double
    private var slots = OptimizerSlots<Scalar>(names: ["exp_avg", "exp_avg_sq"])

    /// AdamW with PyTorch's defaults.
    ///
    /// - Throws: ``ConvKitError`` when a value is out of range (betas in `[0, 1)`, the others
    ///   non-negative and finite).
    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0.01
    ) throws {
        try validateAdam("AdamW", learningRate, beta1, beta2, epsilon, weightDecay)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// The number of steps taken.
    public var stepCount: Int { slots.stepCount }

    /// Takes one step (see ``Optimizer/step(_:)``).
    public mutating func step<Model: TrainableParameters>(_ model: inout Model) throws where Model.Scalar == Scalar {
        try adamStep(
            &model, slots: &slots, optimizer: "AdamW", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, l2: 0, decoupled: weightDecay)
    }

    /// The state as named tensors.
    public var state: [NamedTensor<Scalar>] { slots.state }

    /// Replaces the state with an exported one.
    public mutating func loadState(_ state: [NamedTensor<Scalar>]) throws {
        try slots.load(state, optimizer: "AdamW")
    }
}
