import ConvKitCore
/// One of the optimisers, chosen at run time (the `--optimizer` of `convkit train`).
public enum OptimizerChoice<Scalar: ConvKitFloat>: Optimizer {
    case sgd(SGD<Scalar>)
    case adam(Adam<Scalar>)
    case adamW(AdamW<Scalar>)

    /// The optimiser named `name` (`adam`, `adamw` or `sgd`; SGD with momentum 0.9 and Nesterov).
    ///
    /// - Throws: ``ConvKitError`` for an unknown name or an invalid learning rate.
    public init(named name: String, learningRate: Double, weightDecay: Double = 0) throws {
        switch name.lowercased() {
        case "adam": self = .adam(try Adam(learningRate: learningRate, weightDecay: weightDecay))
        case "adamw": self = .adamW(try AdamW(learningRate: learningRate, weightDecay: weightDecay == 0 ? 0.01 : weightDecay))
        case "sgd": self = .sgd(try SGD(learningRate: learningRate, momentum: 0.9, nesterov: true, weightDecay: weightDecay))
        default:
            throw ConvKitError("optimizer", "'\(name)' is not an optimizer: expected adam, adamw or sgd")
        }
    }

    /// `adam`, `adamw` or `sgd`.
    public var name: String {
        switch self {
        case .sgd: return "sgd"
        case .adam: return "adam"
        case .adamW: return "adamw"
        }
    }

    public var learningRate: Double {
        get {
            switch self {
            case .sgd(let o): return o.learningRate
            case .adam(let o): return o.learningRate
            case .adamW(let o): return o.learningRate
            }
        }
        set {
            switch self {
            case .sgd(var o): o.learningRate = newValue; self = .sgd(o)
            case .adam(var o): o.learningRate = newValue; self = .adam(o)
            case .adamW(var o): o.learningRate = newValue; self = .adamW(o)
            }
        }
    }

    public var stepCount: Int {
        switch self {
        case .sgd(let o): return o.stepCount
        case .adam(let o): return o.stepCount
        case .adamW(let o): return o.stepCount
        }
    }

    public mutating func step<Model: TrainableParameters>(_ model: inout Model) throws where Model.Scalar == Scalar {
        switch self {
        case .sgd(var o): try o.step(&model); self = .sgd(o)
        case .adam(var o): try o.step(&model); self = .adam(o)
        case .adamW(var o): try o.step(&model); self = .adamW(o)
        }
    }

    public var state: [NamedTensor<Scalar>] {
        switch self {
        case .sgd(let o): return o.state
        case .adam(let o): return o.state
        case .adamW(let o): return o.state
        }
    }

    public mutating func loadState(_ state: [NamedTensor<Scalar>]) throws {
        switch self {
        case .sgd(var o): try o.loadState(state); self = .sgd(o)
        case .adam(var o): try o.loadState(state); self = .adam(o)
        case .adamW(var o): try o.loadState(state); self = .adamW(o)
        }
    }
}
