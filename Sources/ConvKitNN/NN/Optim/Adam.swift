import ConvKitCore
import Foundation

/// Adam, exactly as PyTorch's `torch.optim.Adam` (with its optional L2 `weightDecay` added to
/// the gradient):
///
/// ```text
/// t = t + 1;  g = grad + weightDecay · p
/// m = m + (1 − β₁) · (g − m);  v = β₂ · v + (1 − β₂) · g²
/// p = p − (learningRate / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// State: `"step"`, `"<parameter>.exp_avg"` (m) and `"<parameter>.exp_avg_sq"` (v).
public struct Adam<Scalar: ConvKitFloat>: Optimizer {
    /// The learning rate of the next step.
    public var learningRate: Double
    /// The decay of the first moment (PyTorch's default 0.9).
    public var beta1: Double
    /// The decay of the second moment (PyTorch's default 0.999).
    public var beta2: Double
    /// Added to the denominator (PyTorch's default 1e-8).
    public var epsilon: Double
    /// The L2 penalty added to the gradient (0 by default; see ``AdamW`` for decoupled decay).
    public var weightDecay: Double
    private var slots = OptimizerSlots<Scalar>(names: ["exp_avg", "exp_avg_sq"])

    /// Adam with PyTorch's defaults.
    ///
    /// - Throws: ``ConvKitError`` when a value is out of range (betas in `[0, 1)`, the others
    ///   non-negative and finite).
    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0
    ) throws {
        try validateAdam("Adam", learningRate, beta1, beta2, epsilon, weightDecay)
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
            &model, slots: &slots, optimizer: "Adam", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, l2: weightDecay, decoupled: 0)
    }

    /// The state as named tensors.
    public var state: [NamedTensor<Scalar>] { slots.state }

    /// Replaces the state with an exported one.
    public mutating func loadState(_ state: [NamedTensor<Scalar>]) throws {
        try slots.load(state, optimizer: "Adam")
    }
}

func validateAdam(
    _ name: String, _ learningRate: Double, _ beta1: Double, _ beta2: Double, _ epsilon: Double, _ weightDecay: Double
) throws {
    for (argument, value) in [("learningRate", learningRate), ("epsilon", epsilon), ("weightDecay", weightDecay)] {
        guard value >= 0, value.isFinite else { throw ConvKitError(name, "\(argument) must be non-negative, got \(value)") }
    }
    for (argument, value) in [("beta1", beta1), ("beta2", beta2)] {
        guard value >= 0, value < 1 else { throw ConvKitError(name, "\(argument) must be in [0, 1), got \(value)") }
    }
}

/// One Adam or AdamW step over every parameter: `l2` is Adam's gradient penalty, `decoupled`
/// AdamW's weight decay (`p = p · (1 − learningRate · decoupled)` before the update).
func adamStep<Model: TrainableParameters>(
    _ model: inout Model, slots: inout OptimizerSlots<Model.Scalar>, optimizer: String, learningRate: Double,
    beta1: Double, beta2: Double, epsilon: Double, l2: Double, decoupled: Double
) throws {
    typealias T = Model.Scalar
    try slots.validate(&model, required: true, optimizer: optimizer)
    slots.stepCount += 1
    let t = Double(slots.stepCount)
    let biasCorrection1 = 1 - Foundation.pow(beta1, t)
    let biasCorrection2 = 1 - Foundation.pow(beta2, t)
    let constants = AdamConstants<T>(
        stepSize: T(learningRate / biasCorrection1), biasCorrection2Sqrt: T(biasCorrection2.squareRoot()),
        beta1: T(beta1), beta2: T(beta2), epsilon: T(epsilon), l2: T(l2), decay: T(1 - learningRate * decoupled))
    try model.updateParameters { name, value, gradient in
        var m = try slots.tensors[0].removeValue(forKey: name) ?? Tensor(zeros: value.shape)
        var v = try slots.tensors[1].removeValue(forKey: name) ?? Tensor(zeros: value.shape)
        value.scalars.withUnsafeMutableBufferPointer { p in
            gradient.scalars.withUnsafeBufferPointer { g in
                m.scalars.withUnsafeMutableBufferPointer { m in
                    v.scalars.withUnsafeMutableBufferPointer { v in
                        adamUpdate(p: p.baseAddress, g: g.baseAddress, m: m.baseAddress, v: v.baseAddress, count: p.count, constants)
                    }
                }
            }
        }
        slots.tensors[0][name] = m
        slots.tensors[1][name] = v
    }
}

/// The per-step numbers of an Adam update.
struct AdamConstants<T: ConvKitFloat> {
    /// learningRate / (1 − β₁ᵗ)
    var stepSize: T
    /// √(1 − β₂ᵗ)
    var biasCorrection2Sqrt: T
    var beta1: T
    var beta2: T
    var epsilon: T
    /// Adam's L2 penalty on the gradient.
    var l2: T
    /// AdamW's factor 1 − learningRate · weightDecay (1 for Adam).
    var decay: T
}

/// p, g, m, v are (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func adamUpdate<T: ConvKitFloat>(
    p: UnsafeMutablePointer<T>?, g: UnsafePointer<T>?, m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?,
    count: Int, _ c: AdamConstants<T>
) {
    guard let p, let g, let m, let v else { return }
    let (oneMinusBeta1, oneMinusBeta2) = (1 - c.beta1, 1 - c.beta2)
    for i in 0..<count {
        let gradient = g[i] + c.l2 * p[i]
        p[i] *= c.decay
        m[i] += oneMinusBeta1 * (gradient - m[i])
        v[i] = c.beta2 * v[i] + oneMinusBeta2 * gradient * gradient
        p[i] -= c.stepSize * (m[i] / (v[i].squareRoot() / c.biasCorrection2Sqrt + c.epsilon))
    }
}
