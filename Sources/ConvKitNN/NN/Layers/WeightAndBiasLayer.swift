import ConvKitCore
/// A layer whose parameters are a weight and an optional bias (``Conv2D``, ``Dense``): listing,
/// updating, zeroing and loading them by name is written once, here.
public protocol WeightAndBiasLayer: Layer {
    /// The weight.
    var weight: Tensor<Scalar> { get set }
    /// The bias (kept, unused, when ``hasBias`` is false).
    var bias: Tensor<Scalar> { get set }
    /// ∂L/∂weight, accumulated by `backward`.
    var weightGradient: Tensor<Scalar> { get set }
    /// ∂L/∂bias, accumulated by `backward`.
    var biasGradient: Tensor<Scalar> { get set }
    /// Whether the layer adds its bias.
    var hasBias: Bool { get }
}

extension WeightAndBiasLayer {
    /// The learnable parameters with their gradients.
    public var parameters: [NamedParameter<Scalar>] {
        var list = [NamedParameter(name: "weight", value: weight, gradient: weightGradient)]
        if hasBias { list.append(NamedParameter(name: "bias", value: bias, gradient: biasGradient)) }
        return list
    }

    /// Calls `body` with each parameter, in place, and its gradient.
    public mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) throws -> Void
    ) throws {
        try body("weight", &weight, weightGradient)
        if hasBias { try body("bias", &bias, biasGradient) }
    }

    /// Sets every parameter gradient to zero.
    public mutating func zeroGradients() {
        zeroFill(&weightGradient)
        zeroFill(&biasGradient)
    }

    /// Replaces a parameter by name.
    ///
    /// - Throws: ``ConvKitError`` for an unknown name or a shape that differs from the parameter's.
    public mutating func setTensor(named name: String, to value: Tensor<Scalar>) throws {
        switch name {
        case "weight":
            guard value.shape == weight.shape else { throw wrongShape(name, value, expected: weight.shape) }
            weight = value
        case "bias" where hasBias:
            guard value.shape == bias.shape else { throw wrongShape(name, value, expected: bias.shape) }
            bias = value
        default:
            // "Conv2D<Float>" names the layer "Conv2D".
            let layer = String(describing: Self.self).prefix { $0 != "<" }
            throw ConvKitError("\(layer).setTensor", "\(spec) has no tensor named '\(name)'")
        }
    }
}
