import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Every layer's backward pass against central differences of its forward pass, in Double:
/// the input gradient and each parameter's gradient, relative error < 1e-6.
@Suite struct NNGradientCheckTests {
    /// The relative errors of a layer's input gradient (`"input"`) and parameter gradients
    /// (by name), with random parameters, a random input of `batch` samples and random weights
    /// on the outputs. Each numerical evaluation runs a fresh copy of the layer as it was before
    /// the first forward pass, so a dropout draws the same mask every time.
    static func errors<L: Layer>(
        of layer: L, batch: Int = 2, training: Bool = true, seed: UInt32 = 3
    ) throws -> [String: Double] where L.Scalar == Double {
        var rng = NumPyRandomState(seed: seed)
        var fresh = layer
        for parameter in layer.parameters {
            try fresh.setTensor(named: parameter.name, to: try rng.randn(parameter.value.shape))
        }
        let initial = fresh
        let x = try rng.randn([batch] + layer.inputShape)
        var worked = initial
        let y = try worked.forward(x, training: training)
        let dy = try rng.randn(y.shape)
        let dx = try #require(try worked.backward(dy, needsInputGradient: true))
        var errors: [String: Double] = [:]
        errors["input"] = try GradientCheck.relativeError(of: dx, at: x, weights: dy, rng: &rng) {
            var copy = initial
            return try copy.forward($0, training: training)
        }
        for parameter in worked.parameters {
            let value = try #require(initial.parameters.first { $0.name == parameter.name }).value
            errors[parameter.name] = try GradientCheck.relativeError(
                of: parameter.gradient, at: value, weights: dy, rng: &rng
            ) {
                var copy = initial
                try copy.setTensor(named: parameter.name, to: $0)
                return try copy.forward(x, training: training)
            }
        }
        return errors
    }

    static func expectSmall(_ errors: [String: Double], _ expectedNames: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(errors.keys) == expectedNames, sourceLocation: sourceLocation)
        for (name, error) in errors.sorted(by: { $0.key < $1.key }) {
            #expect(error < 1e-6, "\(name) gradient: relative error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func conv2DSame() throws {
        let layer = try Conv2D<Double>(inputShape: [5, 6, 3], filters: 4, kernel: 3, padding: .same)
        Self.expectSmall(try Self.errors(of: layer), ["input", "weight", "bias"])
    }

    @Test func conv2DValidStridedNoBias() throws {
        let layer = try Conv2D<Double>(
            inputShape: [7, 6, 2], filters: 3, kernel: Size2D(3, 2), stride: 2, padding: .valid, bias: false)
        Self.expectSmall(try Self.errors(of: layer), ["input", "weight"])
    }

    @Test func dense() throws {
        let layer = try Dense<Double>(inputShape: [7], units: 5)
        Self.expectSmall(try Self.errors(of: layer, batch: 3), ["input", "weight", "bias"])
    }

    @Test func maxPool() throws {
        Self.expectSmall(try Self.errors(of: try MaxPool2D<Double>(inputShape: [4, 6, 3], window: 2)), ["input"])
        // overlapping windows, odd sizes: the gradient of a shared maximum adds up
        Self.expectSmall(
            try Self.errors(of: try MaxPool2D<Double>(inputShape: [5, 5, 2], window: 3, stride: 1)), ["input"])
    }

    @Test func avgPool() throws {
        Self.expectSmall(try Self.errors(of: try AvgPool2D<Double>(inputShape: [4, 6, 3], window: 2)), ["input"])
        Self.expectSmall(
            try Self.errors(of: try AvgPool2D<Double>(inputShape: [5, 5, 2], window: Size2D(3, 2), stride: 1)),
            ["input"])
    }

    @Test func globalAvgPool() throws {
        Self.expectSmall(try Self.errors(of: try GlobalAvgPool2D<Double>(inputShape: [3, 4, 5])), ["input"])
    }

    @Test func activations() throws {
        Self.expectSmall(try Self.errors(of: ReLU<Double>(inputShape: [3, 4, 2])), ["input"])
        Self.expectSmall(try Self.errors(of: try LeakyReLU<Double>(inputShape: [3, 4, 2], alpha: 0.1)), ["input"])
        Self.expectSmall(try Self.errors(of: Flatten<Double>(inputShape: [3, 4, 2])), ["input"])
    }

    @Test func dropoutWithItsFixedMask() throws {
        let layer = try Dropout<Double>(inputShape: [4, 4, 3], rate: 0.4, seed: 9)
        Self.expectSmall(try Self.errors(of: layer, batch: 3), ["input"])
        Self.expectSmall(try Self.errors(of: layer, batch: 3, training: false), ["input"])
    }

    @Test func batchNormTraining() throws {
        let layer = try BatchNorm2D<Double>(inputShape: [3, 4, 5])
        Self.expectSmall(try Self.errors(of: layer, batch: 3), ["input", "weight", "bias"])
        let flat = try BatchNorm2D<Double>(inputShape: [6])
        Self.expectSmall(try Self.errors(of: flat, batch: 5), ["input", "weight", "bias"])
    }

    @Test func batchNormEvaluation() throws {
        var layer = try BatchNorm2D<Double>(inputShape: [3, 4, 5])
        var rng = NumPyRandomState(seed: 21)
        try layer.setTensor(named: "running_mean", to: try rng.randn([5]))
        try layer.setTensor(named: "running_var", to: try rng.rand([5]).map { $0 + 0.5 })
        Self.expectSmall(try Self.errors(of: layer, training: false), ["input", "weight", "bias"])
    }

    @Test func softmaxCrossEntropy() throws {
        var rng = NumPyRandomState(seed: 4)
        let logits = try rng.randn([4, 6]).map { $0 * 3 }
        let labels = [2, 0, 5, 2]
        let (_, gradient) = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: labels)
        let error = try GradientCheck.relativeError(
            of: gradient, at: logits, weights: Tensor(shape: [1], scalars: [1]), rng: &rng
        ) {
            Tensor([try SoftmaxCrossEntropy.loss(logits: $0, labels: labels)])
        }
        #expect(error < 1e-6)
    }

    /// A whole model with every kind of layer, trained mode, through the loss.
    @Test func wholeModel() throws {
        let spec = try ModelSpec.parse(
            "input 6x6x2, conv 3 3x3 same, batchnorm, leakyrelu 0.1, maxpool 2, conv 4 2x2 valid, relu, "
                + "avgpool 2 stride 1, dropout 0.25, flatten, dense 5, relu, dense 3")
        let initial = try Sequential<Double>(spec, seed: 5)
        var rng = NumPyRandomState(seed: 8)
        let x = try rng.randn([3, 6, 6, 2])
        let labels = [0, 2, 1]
        var model = initial
        let logits = try model.forward(x, training: true)
        let (_, gradient) = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: labels)
        let dx = try #require(try model.backward(gradient, needsInputGradient: true))
        let one = try Tensor<Double>(shape: [1], scalars: [1])
        func loss(_ m: Sequential<Double>, _ x: Tensor<Double>) throws -> Tensor<Double> {
            var copy = m
            return Tensor([try SoftmaxCrossEntropy.loss(logits: try copy.forward(x, training: true), labels: labels)])
        }
        let inputError = try GradientCheck.relativeError(of: dx, at: x, weights: one, rng: &rng) { try loss(initial, $0) }
        #expect(inputError < 1e-6)
        for parameter in model.parameters {
            // the batch norm after the first convolution removes its bias: the gradient is zero
            if parameter.name == "0.bias" {
                #expect(parameter.gradient.scalars.allSatisfy { abs($0) < 1e-12 })
                continue
            }
            let value = try #require(initial.parameters.first { $0.name == parameter.name }).value
            let error = try GradientCheck.relativeError(of: parameter.gradient, at: value, weights: one, rng: &rng) {
                var copy = initial
                try copy.setParameterForTest(parameter.name, $0)
                return try loss(copy, x)
            }
            #expect(error < 1e-6, "\(parameter.name): \(error)")
        }
    }
}

extension Sequential {
    /// Replaces one named tensor (`"3.weight"`) through ``loadState(_:)``.
    mutating func setParameterForTest(_ name: String, _ value: Tensor<Scalar>) throws {
        try loadState(state.map { $0.name == name ? NamedTensor(name: name, value: value) : $0 })
    }
}
