import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Building models: shape inference, summaries, parameter counts, seeding, state and training.
@Suite struct NNSequentialTests {
    @Test func digitsSummary() throws {
        let model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        #expect(model.parameterCount == 6090)
        #expect(model.outputShape == [10])
        let expected = """
            Input shape: (None, 8, 8, 1)
            Layer (type)                 Output Shape        Param #
            ========================================================
            conv 16 3x3 same (Conv2D)    (None, 8, 8, 16)        160
            relu (ReLU)                  (None, 8, 8, 16)          0
            maxpool 2 (MaxPool2D)        (None, 4, 4, 16)          0
            conv 32 3x3 same (Conv2D)    (None, 4, 4, 32)      4,640
            relu (ReLU)                  (None, 4, 4, 32)          0
            maxpool 2 (MaxPool2D)        (None, 2, 2, 32)          0
            flatten (Flatten)            (None, 128)               0
            dense 10 (Dense)             (None, 10)            1,290
            ========================================================
            Total params: 6,090
            Trainable params: 6,090
            Non-trainable params: 0
            """
        #expect(model.summary() == expected)
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"])
        #expect(model.parameters.map(\.value.shape) == [[3, 3, 1, 16], [16], [3, 3, 16, 32], [32], [128, 10], [10]])
    }

    @Test func mnistShapesAndCount() throws {
        let model = try Sequential<Float>(ModelSpec.mnist, seed: 0)
        #expect(model.layers.map(\.outputShape) == [
            [26, 26, 32], [26, 26, 32], [13, 13, 32], [11, 11, 64], [11, 11, 64], [5, 5, 64], [1600], [10],
        ])
        #expect(model.parameterCount == 320 + 18496 + 16010)
        #expect(model.spec == ModelSpec.mnist)
    }

    @Test func batchNormCountsAsNonTrainable() throws {
        let model = try Sequential<Float>(try ModelSpec.parse("conv 4 3x3 same, batchnorm, relu, dropout 0.5, flatten, dense 2"), inputShape: [4, 4, 1])
        #expect(model.parameterCount == 40 + 8 + 130)
        #expect(model.nonTrainableParameterCount == 8)
        #expect(model.summary().contains("\nbatchnorm (BatchNorm2D)     (None, 4, 4, 4)         16\n"))
        #expect(model.summary().hasSuffix("Total params: 186\nTrainable params: 178\nNon-trainable params: 8"))
    }

    @Test func layerThatDoesNotFit() throws {
        #expect(throws: ConvKitError(
            "Sequential",
            "layer 4 'maxpool 2' does not fit its input [1, 1, 8]: window 2 is larger than the input height 1 "
                + "(input [1, 1, 8]): the output would be empty")) {
            try Sequential<Float>(try ModelSpec.parse("maxpool 2, conv 8 3x3 valid, relu, maxpool 2, maxpool 2"), inputShape: [8, 8, 1])
        }
        #expect(throws: ConvKitError(
            "Sequential",
            "layer 0 'dense 10' does not fit its input [8, 8, 1]: input must be flat [D], got [8, 8, 1]; put a flatten or globalavgpool before dense")) {
            try Sequential<Float>(try ModelSpec.parse("dense 10"), inputShape: [8, 8, 1])
        }
        #expect(throws: ConvKitError("Sequential", "input shape [28, 28, 1] differs from the spec's [8, 8, 1] ('\(ModelSpec.digits)')")) {
            try Sequential<Float>(ModelSpec.digits, inputShape: [28, 28, 1])
        }
        #expect(throws: ConvKitError("Sequential", "the spec 'relu' names no input shape and none was given")) {
            try Sequential<Float>(try ModelSpec.parse("relu"))
        }
    }

    @Test func forwardChecksItsInput() throws {
        var model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        #expect(throws: ConvKitError("Sequential.forward", "input has shape [2, 8, 8] but the model expects [N] + [8, 8, 1] with N ≥ 1")) {
            try model.forward(try Tensor(zeros: [2, 8, 8]), training: false)
        }
        #expect(throws: ConvKitError("Dense.backward", "dense 10: backward called without a forward pass before it")) {
            try model.backward(try Tensor(zeros: [2, 10]))
        }
        _ = try model.forward(try Tensor(zeros: [2, 8, 8, 1]), training: true)
        #expect(throws: ConvKitError("Dense.backward", "gradOutput has shape [3, 10] but the forward output of dense 10 had [2, 10]")) {
            try model.backward(try Tensor(zeros: [3, 10]))
        }
    }

    @Test func seedReproducesTheModel() throws {
        let a = try Sequential<Float>(ModelSpec.digits, seed: 42)
        let b = try Sequential<Float>(ModelSpec.digits, seed: 42)
        let c = try Sequential<Float>(ModelSpec.digits, seed: 43)
        #expect(a.state.map(\.value) == b.state.map(\.value))
        #expect(a.state.map(\.value) != c.state.map(\.value))
        // biases start at zero; He normal has std √(2 / fanIn), Glorot uniform a limit √(6 / (fanIn + fanOut))
        let parameters = Dictionary(uniqueKeysWithValues: a.parameters.map { ($0.name, $0.value) })
        #expect(parameters["0.bias"]?.scalars.allSatisfy { $0 == 0 } == true)
        let conv2 = try #require(parameters["3.weight"]).scalars.map(Double.init)
        let std = (conv2.map { $0 * $0 }.reduce(0, +) / Double(conv2.count)).squareRoot()
        #expect(abs(std - (2.0 / 144).squareRoot()) < 0.01)
        let limit = (6.0 / 138).squareRoot()
        #expect(try #require(parameters["7.weight"]).scalars.allSatisfy { abs(Double($0)) <= limit })
        // numpy's generator: the first weight is np.random.seed(42); np.random.normal(0, sqrt(2/9))
        var rng = NumPyRandomState(seed: 42)
        #expect(try #require(parameters["0.weight"]).scalars[0] == Float(rng.nextGaussian() * (2.0 / 9).squareRoot()))
    }

    @Test func stateRoundTrip() throws {
        let spec = try ModelSpec.parse("input 4x4x2, conv 3 3x3 same, batchnorm, relu, dropout 0.5, flatten, dense 2")
        var trained = try Sequential<Double>(spec, seed: 1)
        var adam = try Adam<Double>(learningRate: 0.01)
        var rng = NumPyRandomState(seed: 2)
        try trained.trainStep(try rng.randn([3, 4, 4, 2]), labels: [0, 1, 1], optimizer: &adam)
        #expect(trained.state.map(\.name) == [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "3.rng", "5.weight", "5.bias",
        ])
        var restored = try Sequential<Double>(spec, seed: 7)
        try restored.loadState(trained.state)
        #expect(restored.state.map(\.value) == trained.state.map(\.value))
        let x = try rng.randn([2, 4, 4, 2])
        #expect(try restored.forward(x, training: true) == trained.forward(x, training: true))

        #expect(throws: ConvKitError("Sequential.loadState", "the state has no '5.bias' for layer 5 'dense 2'")) {
            try restored.loadState(trained.state.filter { $0.name != "5.bias" })
        }
        #expect(throws: ConvKitError("Sequential.loadState", "the model has no tensor '9.weight' (spec '\(spec)')")) {
            try restored.loadState(trained.state + [NamedTensor(name: "9.weight", value: Tensor([1.0]))])
        }
        #expect(throws: ConvKitError("Sequential.loadState", "'0.bias': conv 3 3x3 same: 'bias' must have shape [3], got [1]")) {
            try restored.loadState(trained.state.map { $0.name == "0.bias" ? NamedTensor(name: "0.bias", value: Tensor([1.0])) : $0 })
        }
    }

    @Test func firstLayerSkipsItsInputGradient() throws {
        var model = try Sequential<Double>(ModelSpec.digits, seed: 3)
        var rng = NumPyRandomState(seed: 4)
        let x = try rng.randn([2, 8, 8, 1])
        let logits = try model.forward(x, training: true)
        let gradient = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: [3, 7]).gradient
        var other = model
        #expect(try model.backward(gradient) == nil)
        let dx = try other.backward(gradient, needsInputGradient: true)
        #expect(dx?.shape == [2, 8, 8, 1])
        #expect(model.parameters.map(\.gradient) == other.parameters.map(\.gradient))
    }

    /// A toy problem (vertical or horizontal bar, with noise) that a tiny model learns in a few
    /// dozen Adam steps, in Float.
    @Test func lossDropsOnAToyProblem() throws {
        var rng = NumPyRandomState(seed: 11)
        let n = 32
        var pixels = [Float](repeating: 0, count: n * 6 * 6)
        var labels = [Int]()
        for i in 0..<n {
            let label = i % 2
            let line = Int(rng.nextUInt32() % 6)
            for j in 0..<6 {
                let (h, w) = label == 0 ? (j, line) : (line, j)
                pixels[(i * 6 + h) * 6 + w] = 1
            }
            labels.append(label)
        }
        let noise = try rng.randn([n * 36]).scalars.map { Float($0 * 0.1) }
        let images = try Tensor(shape: [n, 6, 6, 1], scalars: zip(pixels, noise).map { $0 + $1 })
        var model = try Sequential<Float>(
            try ModelSpec.parse("conv 4 3x3 same, relu, maxpool 2, flatten, dense 2"), inputShape: [6, 6, 1], seed: 1)
        var adam = try Adam<Float>(learningRate: 0.02)
        let first = try model.trainStep(images, labels: labels, optimizer: &adam)
        var last = first
        for _ in 0..<40 { last = try model.trainStep(images, labels: labels, optimizer: &adam) }
        #expect(last.loss < first.loss * 0.3, "loss \(first.loss) → \(last.loss)")
        #expect(try SoftmaxCrossEntropy.accuracy(logits: model.forward(images, training: false), labels: labels) == 1)
        #expect(adam.stepCount == 41)
        let (loss, accuracy) = try model.evaluate(images, labels: labels, batchSize: 5)
        #expect(accuracy == 1)
        let whole = try SoftmaxCrossEntropy.loss(logits: model.forward(images, training: false), labels: labels)
        #expect(abs(loss - whole) < 1e-6)
    }
}
