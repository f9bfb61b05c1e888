import ConvKitCore
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// exactly as PyTorch's `torch.optim.SGD` (dampening 0):
///
/// ```text
/// g = grad + weightDecay · p
/// buf = momentum · buf + g              (buf = g at the first step)
/// g = nesterov ? g + momentum · buf : buf
/// p = p − learningRate · g
/// ```
///
/// State: `"step"` and `"<parameter>.momentum_buffer"` (with momentum only).
public struct SGD<Scalar: ConvKitFloat>: Optimizer {
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The momentum factor (0 for plain SGD).
    public var momentum: Double
    /// Nesterov momentum (needs `momentum > 0`).
    public var nesterov: Bool
    /// The L2 penalty added to the gradient.
    public var weightDecay: Double
    private var slots = OptimizerSlots<Scalar>(names: ["momentum_buffer"])

    /// SGD with PyTorch's defaults except the learning rate, which PyTorch requires.
    ///
    /// - Throws: ``ConvKitError`` when a rate is negative or not finite, or `nesterov` is set
    ///   without momentum.
    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) throws {
        for (name, value) in [("learningRate", learningRate), ("momentum", momentum), ("weightDecay", weightDecay)] {
            guard value >= 0, value.isFinite else { throw ConvKitError("SGD", "\(name) must be non-negative, got \(value)") }
        }
        guard !nesterov || momentum > 0 else {
            throw ConvKitError("SGD", "nesterov momentum needs momentum > 0, got \(momentum)")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// The number of steps taken.
    public var stepCount: Int { slots.stepCount }

    /// Takes one step (see ``Optimizer/step(_:)``).
    public mutating func step<Model: TrainableParameters>(_ model: inout Model) throws where Model.Scalar == Scalar {
        try slots.validate(&model, required: momentum > 0, optimizer: "SGD")
        slots.stepCount += 1
        let (lr, mu, decay) = (Scalar(learningRate), Scalar(momentum), Scalar(weightDecay))
        let nesterov = self.nesterov
        try model.updateParameters { name, value, gradient in
            var buffer = mu == 0 ? Tensor<Scalar>(uncheckedShape: [0], scalars: [])
                : (try slots.tensors[0].removeValue(forKey: name) ?? Tensor(zeros: value.shape))
            value.scalars.withUnsafeMutableBufferPointer { p in
                gradient.scalars.withUnsafeBufferPointer { g in
                    buffer.scalars.withUnsafeMutableBufferPointer { b in
                        sgdUpdate(
                            p: p.baseAddress, g: g.baseAddress, buffer: mu == 0 ? nil : b.baseAddress, count: p.count,
                            lr: lr, momentum: mu, nesterov: nesterov, weightDecay: decay)
                    }
                }
            }
            if mu != 0 { slots.tensors[0][name] = buffer }
        }
    }

    /// The state as named tensors.
    public var state: [NamedTensor<Scalar>] { slots.state }

    /// Replaces the state with an exported one.
    public mutating func loadState(_ state: [NamedTensor<Scalar>]) throws {
        try slots.load(state, optimizer: "SGD")
    }
}

/// One SGD step on one parameter (plain SGD when `buffer` is nil).
///
/// p is (count), g is (count), buffer is (count) or nil
@_specialize(where T == Float)
@_specialize(where T == Double)
func sgdUpdate<T: ConvKitFloat>(
    p: UnsafeMutablePointer<T>?, g: UnsafePointer<T>?, buffer: UnsafeMutablePointer<T>?, count: Int, lr: T,
    momentum: T, nesterov: Bool, weightDecay: T
) {
    guard let p, let g else { return }
    guard let b = buffer else {
        for i in 0..<count { p[i] -= lr * (g[i] + weightDecay * p[i]) }
        return
    }
    for i in 0..<count {
        var d = g[i] + weightDecay * p[i]
        b[i] = momentum * b[i] + d
        d = nesterov ? d + momentum * b[i] : b[i]
        p[i] -= lr * d
    }
}
