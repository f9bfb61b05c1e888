import ConvKitCore

/// PyTorch's names and layouts for a model's tensors.
///
/// The model's PyTorch twin (``Sequential/torchModule()``) is an `nn.Sequential` with one module
/// per ConvKit layer, so the state-dict keys are ConvKit's own (`"0.weight"`, `"3.running_var"`).
/// Two layouts differ:
/// - a convolution's weight is ConvKit's `(R, S, C, K)` and PyTorch's `(K, C, R, S)`;
/// - a dense weight is ConvKit's `(D, K)` and PyTorch's `(K, D)`, and when a flatten of an image
///   `(H, W, C)` comes before it, its D inputs are in ConvKit's `(h, w, c)` order and in
///   PyTorch's `(c, h, w)` order (`nn.Flatten` of NCHW).
///
/// Both are one permutation of a 4-d view: `(R, S, C, K)` or `(H, W, C, K)` to `(K, C, R, S)` or
/// `(K, C, H, W)`. Batch normalisation adds PyTorch's `num_batches_tracked` (int64, written as 0:
/// ConvKit's momentum is PyTorch's, which does not read it). A dropout's random-number state has
/// no PyTorch counterpart and is left out.
extension Sequential {
    /// The model's parameters and buffers as a PyTorch `state_dict` of its ``torchModule()``:
    /// PyTorch's names, shapes and layouts, in float32 (PyTorch's default).
    ///
    /// Write it with `SafeTensors.write(_:metadata:to:)`; PyTorch loads it with
    /// `model.load_state_dict(safetensors.torch.load_file(path))`.
    public func torchStateDict() throws -> [String: NPYArray] {
        var tensors: [String: NPYArray] = [:]
        for (index, layer, mapping) in torchMappings() {
            for (name, value) in layer.parameters.map({ ($0.name, $0.value) }) + layer.buffers.map({ ($0.name, $0.value) }) {
                guard let view = mapping[name] else { continue }
                let torch = try view.toTorch(value)
                tensors["\(index).\(name)"] = .float32(Tensor(uncheckedShape: torch.shape, scalars: torch.scalars.map { Float($0) }))
            }
            if case .batchNorm = layer.spec {
                tensors["\(index).num_batches_tracked"] = .int64(Tensor(uncheckedShape: [], scalars: [Int64(0)]))
            }
        }
        return tensors
    }

    /// Replaces the model's parameters and buffers with those of a PyTorch `state_dict` of the
    /// same architecture (``torchModule()``'s, or any `nn.Sequential` whose modules match the
    /// layers one for one), in PyTorch's layouts. Float32 and float64 tensors are accepted; a
    /// batch norm's `num_batches_tracked` may be present or not. Gradients are zeroed; a
    /// dropout keeps its random-number state.
    ///
    /// - Throws: ``ConvKitError`` naming the tensor when one is missing, has another shape (both
    ///   shapes are named), another dtype or a value that is not finite, or when the state dict
    ///   has a tensor the model does not; the model is unchanged then.
    public mutating func loadTorchStateDict(_ tensors: [String: NPYArray]) throws {
        let function = "Sequential.loadTorchStateDict"
        var remaining = tensors
        var updated = self
        for (index, layer, mapping) in torchMappings() {
            if case .batchNorm = layer.spec { remaining["\(index).num_batches_tracked"] = nil }
            for name in layer.parameters.map(\.name) + layer.buffers.map(\.name) {
                guard let view = mapping[name] else { continue }
                let key = "\(index).\(name)"
                guard let array = remaining.removeValue(forKey: key) else {
                    throw ConvKitError(
                        function, "the state dict has no '\(key)' for layer \(index) '\(layer.spec)' "
                            + "(PyTorch shape \(shapeString(view.torchShape)))")
                }
                guard array.shape == view.torchShape else {
                    throw ConvKitError(
                        function, "'\(key)' has shape \(shapeString(array.shape)) in the state dict but layer \(index) "
                            + "'\(layer.spec)' needs \(shapeString(view.torchShape)) in PyTorch's layout")
                }
                let value: Tensor<Scalar>
                switch array {
                case .float32, .float64: value = array.floats(Scalar.self)
                default:
                    throw ConvKitError(function, "'\(key)' is \(array.dtype); parameters must be float32 or float64")
                }
                if let bad = value.scalars.firstIndex(where: { !$0.isFinite }) {
                    throw ConvKitError(function, "'\(key)' holds \(value.scalars[bad]) at element \(bad); values must be finite")
                }
                try updated.layers[index].setTensor(named: name, to: try view.fromTorch(value))
            }
        }
        if let extra = remaining.keys.sorted().first {
            throw ConvKitError(
                function, "the model has no tensor '\(extra)' (shape \(shapeString(remaining[extra]?.shape ?? []))); "
                    + "its spec is '\(spec)'")
        }
        updated.zeroGradients()
        self = updated
    }

    /// Each layer with the PyTorch view of each of its tensors that PyTorch has.
    func torchMappings() -> [(index: Int, layer: any Layer<Scalar>, views: [String: TorchTensorView])] {
        // The image a flatten made, whose (h, w, c) order the next dense layer's inputs are in.
        var flattenedImage: [Int]?
        return layers.enumerated().map { index, layer in
            var views: [String: TorchTensorView] = [:]
            for tensor in layer.parameters.map({ NamedTensor(name: $0.name, value: $0.value) }) + layer.buffers {
                views[tensor.name] = .same(shape: tensor.value.shape)
            }
            let weight = layer.parameters.first { $0.name == "weight" }?.value.shape
            switch layer.spec {
            case .conv2d:
                if let weight { views["weight"] = .kernel(rsck: weight, flat: false) }
            case .dense:
                if let weight {
                    let (d, k) = (weight[0], weight[1])
                    let image = flattenedImage.flatMap { $0.count == 3 && $0.reduce(1, *) == d ? $0 : nil } ?? [1, 1, d]
                    views["weight"] = .kernel(rsck: image + [k], flat: true)
                }
                flattenedImage = nil
            case .flatten:
                flattenedImage = layer.inputShape
            case .globalAvgPool:
                flattenedImage = nil
            case .dropout:
                views = [:]
            default:
                break
            }
            return (index, layer, views)
        }
    }
}

/// How one tensor looks in PyTorch: as in ConvKit, or a kernel `(R, S, C, K)` that PyTorch holds
/// as `(K, C, R, S)`; a dense weight `(D, K)` is the kernel `(H, W, C, K)` of the image its
/// inputs were flattened from (`(1, 1, D, K)` without one), held flat as `(K, C · H · W)`.
enum TorchTensorView {
    case same(shape: [Int])
    case kernel(rsck: [Int], flat: Bool)

    /// The tensor's shape in PyTorch.
    var torchShape: [Int] {
        switch self {
        case .same(let shape): shape
        case let .kernel(k, flat): flat ? [k[3], k[0] * k[1] * k[2]] : [k[3], k[2], k[0], k[1]]
        }
    }

    /// ConvKit's tensor in PyTorch's layout.
    func toTorch<T: ConvKitFloat>(_ value: Tensor<T>) throws -> Tensor<T> {
        guard case .kernel(let k, _) = self else { return value }
        return try value.reshaped(k).transposed([3, 2, 0, 1]).reshaped(torchShape)
    }

    /// PyTorch's tensor (of ``torchShape``) in ConvKit's layout.
    func fromTorch<T: ConvKitFloat>(_ value: Tensor<T>) throws -> Tensor<T> {
        guard case let .kernel(k, flat) = self else { return value }
        let kcrs = try value.reshaped([k[3], k[2], k[0], k[1]]).transposed([2, 3, 1, 0])
        return try kcrs.reshaped(flat ? [k[0] * k[1] * k[2], k[3]] : k)
    }
}
