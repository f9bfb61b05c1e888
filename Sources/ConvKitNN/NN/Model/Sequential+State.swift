import ConvKitCore
extension Sequential {
    /// Everything a checkpoint needs to restore the model's numbers: each parameter, then each
    /// buffer (batch-norm running statistics, dropout counters), layer by layer, named
    /// `"<layer index>.<name>"` (`"0.weight"`, `"0.bias"`, `"1.running_mean"`, `"4.rng"`).
    public var state: [NamedTensor<Scalar>] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { NamedTensor(name: "\(index).\($0.name)", value: $0.value) }
                + layer.buffers.map { NamedTensor(name: "\(index).\($0.name)", value: $0.value) }
        }
    }

    /// Replaces the model's parameters and buffers with those of a ``state`` (from a checkpoint of
    /// the same architecture). Every tensor of the model must be present, with its shape, and no
    /// other; gradients are zeroed.
    ///
    /// - Throws: ``ConvKitError`` naming a missing, unknown or misshapen tensor; the model is
    ///   unchanged then.
    public mutating func loadState(_ tensors: [NamedTensor<Scalar>]) throws {
        var byName: [String: Tensor<Scalar>] = [:]
        for tensor in tensors {
            guard byName.updateValue(tensor.value, forKey: tensor.name) == nil else {
                throw ConvKitError("Sequential.loadState", "the state names '\(tensor.name)' twice")
            }
        }
        var updated = self
        for (index, layer) in layers.enumerated() {
            for name in layer.parameters.map(\.name) + layer.buffers.map(\.name) {
                let key = "\(index).\(name)"
                guard let value = byName.removeValue(forKey: key) else {
                    throw ConvKitError(
                        "Sequential.loadState", "the state has no '\(key)' for layer \(index) '\(layer.spec)'")
                }
                do {
                    try updated.layers[index].setTensor(named: name, to: value)
                } catch let error as ConvKitError {
                    throw ConvKitError("Sequential.loadState", "'\(key)': \(error.reason)")
                }
            }
        }
        if let extra = byName.keys.sorted().first {
            throw ConvKitError("Sequential.loadState", "the model has no tensor '\(extra)' (spec '\(spec)')")
        }
        updated.zeroGradients()
        self = updated
    }
}
