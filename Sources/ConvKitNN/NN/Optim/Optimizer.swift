import ConvKitCore
/// An optimiser: updates the parameters of a model (or a single layer) from their gradients.
///
/// State (moments, momentum buffers, the step count) is exported and imported as named tensors,
/// so that a checkpoint can resume training exactly: `"step"` (shape `[1]`, exact up to 2²⁴
/// steps in Float) and `"<parameter>.<slot>"` (e.g. `"0.weight.exp_avg"`), named as in PyTorch.
public protocol Optimizer<Scalar>: Sendable {
    /// The element type.
    associatedtype Scalar: ConvKitFloat

    /// The learning rate of the next step; a ``LearningRateSchedule`` sets it before each
    /// epoch or step.
    var learningRate: Double { get set }

    /// The number of steps taken.
    var stepCount: Int { get }

    /// Takes one step: updates every parameter of `model` from its gradient.
    ///
    /// - Throws: ``ConvKitError`` when imported state does not match the model's parameters
    ///   (the model is unchanged then).
    mutating func step<Model: TrainableParameters>(_ model: inout Model) throws where Model.Scalar == Scalar

    /// The optimiser's state as named tensors, sorted by name.
    var state: [NamedTensor<Scalar>] { get }

    /// Replaces the state with one exported by ``state``.
    ///
    /// - Throws: ``ConvKitError`` when `"step"` is missing or malformed or a name is unknown.
    mutating func loadState(_ state: [NamedTensor<Scalar>]) throws
}

/// Per-parameter slots (moments, momentum buffers) of an optimiser, with the step count, and
/// their export as named tensors.
struct OptimizerSlots<Scalar: ConvKitFloat>: Sendable {
    /// The slot names, e.g. `["exp_avg", "exp_avg_sq"]`.
    let names: [String]
    /// `tensors[slot][parameter]`.
    var tensors: [[String: Tensor<Scalar>]]
    var stepCount = 0

    init(names: [String]) {
        self.names = names
        self.tensors = names.map { _ in [:] }
    }

    var state: [NamedTensor<Scalar>] {
        var list = [NamedTensor(name: "step", value: Tensor(uncheckedShape: [1], scalars: [Scalar(stepCount)]))]
        for (slot, name) in names.enumerated() {
            list += tensors[slot].map { NamedTensor(name: "\($0.key).\(name)", value: $0.value) }
        }
        return list.sorted { $0.name < $1.name }
    }

    mutating func load(_ state: [NamedTensor<Scalar>], optimizer: String) throws {
        let function = "\(optimizer).loadState"
        var loaded = OptimizerSlots(names: names)
        var sawStep = false
        for tensor in state {
            if tensor.name == "step" {
                guard tensor.value.shape == [1], let value = tensor.value.scalars.first, value >= 0, value < 1e15,
                      value == value.rounded(.towardZero) else {
                    throw ConvKitError(function, "'step' must be one non-negative whole number, got shape \(shapeString(tensor.value.shape))")
                }
                loaded.stepCount = Int(value)
                sawStep = true
                continue
            }
            guard let slot = names.firstIndex(where: { tensor.name.hasSuffix(".\($0)") }) else {
                throw ConvKitError(
                    function, "unknown state '\(tensor.name)': expected 'step' or '<parameter>.\(names.joined(separator: "|"))'")
            }
            let parameter = String(tensor.name.dropLast(names[slot].count + 1))
            loaded.tensors[slot][parameter] = tensor.value
        }
        guard sawStep else { throw ConvKitError(function, "the state has no 'step'") }
        self = loaded
    }

    /// Checks, before any parameter changes, that each slot tensor of a parameter has its shape and
    /// that a resumed optimiser (step > 0) has the slots of every parameter when `required`.
    package func validate<Model: TrainableParameters>(_ model: inout Model, required: Bool, optimizer: String) throws
    where Model.Scalar == Scalar {
        var seen = Set<String>()
        try model.updateParameters { name, value, _ in
            seen.insert(name)
            for (slot, slotName) in names.enumerated() {
                if let tensor = tensors[slot][name] {
                    guard tensor.shape == value.shape else {
                        throw ConvKitError(
                            "\(optimizer).step",
                            "state '\(name).\(slotName)' has shape \(shapeString(tensor.shape)) but the parameter has \(shapeString(value.shape))")
                    }
                } else if required && stepCount > 0 {
                    throw ConvKitError(
                        "\(optimizer).step",
                        "the state at step \(stepCount) has no '\(name).\(slotName)': it was exported for another model")
                }
            }
        }
        for (slot, slotName) in names.enumerated() {
            if let unknown = tensors[slot].keys.sorted().first(where: { !seen.contains($0) }) {
                throw ConvKitError("\(optimizer).step", "the state has '\(unknown).\(slotName)' but the model has no parameter '\(unknown)'")
            }
        }
    }
}
