import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Layers against ConvKit's reference functions and their own definitions.
@Suite struct NNLayerTests {
    @Test func poolsMatchPool2D() throws {
        var rng = NumPyRandomState(seed: 12)
        let x = try rng.randn([2, 7, 6, 3])
        for (mode, window, stride) in [(PoolMode.max, 2, 2), (.max, 3, 2), (.average, 2, 2), (.average, 3, 1)] {
            var layer: any Layer<Double> = mode == .max
                ? try MaxPool2D<Double>(inputShape: [7, 6, 3], window: Size2D(window, window), stride: Size2D(stride, stride))
                : try AvgPool2D<Double>(inputShape: [7, 6, 3], window: Size2D(window, window), stride: Size2D(stride, stride))
            let options = Pool2DOptions(mode, window: Size2D(window, window), stride: Size2D(stride, stride), algorithm: .reference)
            let (expected, cache) = try pool2dForward(x, options: options)
            let y = try layer.forward(x, training: true)
            #expect(y.isClose(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
            let dy = try rng.randn(y.shape)
            let dx = try layer.backward(dy, needsInputGradient: true)
            #expect(try dx?.isClose(to: pool2dBackward(dy, cache: cache), relativeTolerance: 1e-14, absoluteTolerance: 1e-14) == true)
        }
    }

    @Test func maxPoolTiesGoToTheFirstMaximum() throws {
        var layer = try MaxPool2D<Double>(inputShape: [2, 2, 1], window: 2)
        _ = try layer.forward(try Tensor(shape: [1, 2, 2, 1], scalars: [1, 3, 3, 2]), training: true)
        let dx = try layer.backward(try Tensor(shape: [1, 1, 1, 1], scalars: [5]), needsInputGradient: true)
        #expect(dx?.scalars == [0, 5, 0, 0])
    }

    @Test func convAndDenseMatchTheirDefinitions() throws {
        var rng = NumPyRandomState(seed: 13)
        var conv = try Conv2D<Double>(inputShape: [5, 5, 2], filters: 3, kernel: 3, stride: 2, padding: .same)
        try conv.setTensor(named: "weight", to: try rng.randn([3, 3, 2, 3]))
        try conv.setTensor(named: "bias", to: try rng.randn([3]))
        let x = try rng.randn([2, 5, 5, 2])
        let expected = try conv2dForward(
            x, weight: conv.weight, bias: conv.bias, options: Conv2DOptions(stride: 2, padding: .same, algorithm: .reference)).output
        #expect(try conv.forward(x, training: true).isClose(to: expected, relativeTolerance: 1e-12, absoluteTolerance: 1e-12))
        #expect(conv.outputShape == [3, 3, 3])

        var dense = try Dense<Double>(inputShape: [4], units: 2)
        try dense.setTensor(named: "weight", to: try Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8]))
        try dense.setTensor(named: "bias", to: Tensor([0.5, -0.5]))
        let y = try dense.forward(try Tensor(shape: [1, 4], scalars: [1, 0, -1, 2]), training: false)
        let denseExpected: [Double] = [10.5, 11.5]  // [1·1 − 1·5 + 2·7 + 0.5, 1·2 − 1·6 + 2·8 − 0.5]
        #expect(y.scalars == denseExpected)
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        var dense = try Dense<Double>(inputShape: [3], units: 2)
        let x = try Tensor<Double>(shape: [1, 3], scalars: [1, 2, 3])
        let dy = try Tensor<Double>(shape: [1, 2], scalars: [1, -1])
        for _ in 0..<2 {
            _ = try dense.forward(x, training: true)
            _ = try dense.backward(dy, needsInputGradient: false)
        }
        #expect(dense.weightGradient.scalars == [2, -2, 4, -4, 6, -6])
        #expect(dense.biasGradient.scalars == [2, -2])
        dense.zeroGradients()
        #expect(dense.weightGradient.scalars.allSatisfy { $0 == 0 })
    }

    @Test func dropout() throws {
        var layer = try Dropout<Float>(inputShape: [1000], rate: 0.3, seed: 5)
        let x = try Tensor<Float>(shape: [4, 1000], repeating: 1)
        #expect(try layer.forward(x, training: false) == x)
        let y = try layer.forward(x, training: true)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == Float(1 / 0.7) })
        #expect(abs(Double(kept.count) / 4000 - 0.7) < 0.03)
        #expect(layer.mask?.scalars == y.scalars)
        let second = try layer.forward(x, training: true)
        #expect(second != y)
        #expect(layer.draws == 2)
        // the same seed and count give the same masks; the count is a checkpointed buffer
        var other = try Dropout<Float>(inputShape: [1000], rate: 0.3, seed: 77)
        #expect(layer.buffers.map(\.value.scalars) == [[0, 5, 2]])
        try other.setTensor(named: "rng", to: Tensor([Float(0), 5, 1]))
        #expect(try other.forward(x, training: true) == second)
        #expect(throws: ConvKitError("Dropout", "rate must be in [0, 1), got 1.0")) {
            try Dropout<Float>(inputShape: [3], rate: 1)
        }
    }

    @Test func batchNormStatistics() throws {
        var layer = try BatchNorm2D<Double>(inputShape: [1, 2, 2], momentum: 0.1)
        // channel 0: 1, 3, 5, 7 (mean 4, biased var 5, unbiased 20/3); channel 1: all 2
        let x = try Tensor<Double>(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 2, 5, 2, 7, 2])
        let y = try layer.forward(x, training: true)
        let rstd = 1 / (5 + 1e-5).squareRoot()
        #expect(y.isClose(to: try Tensor(shape: [2, 1, 2, 2], scalars: [-3 * rstd, 0, -rstd, 0, rstd, 0, 3 * rstd, 0]), relativeTolerance: 1e-12, absoluteTolerance: 1e-12))
        #expect(layer.runningMean.isClose(to: Tensor([0.4, 0.2]), relativeTolerance: 1e-12, absoluteTolerance: 0))
        #expect(layer.runningVariance.isClose(to: Tensor([0.9 + 0.1 * 20 / 3, 0.9]), relativeTolerance: 1e-12, absoluteTolerance: 0))
        // evaluation uses the running statistics
        let z = try layer.forward(x, training: false)
        #expect(abs(z.scalars[0] - (1 - 0.4) / (0.9 + 2.0 / 3 + 1e-5).squareRoot()) < 1e-12)
        #expect(throws: ConvKitError("BatchNorm2D.forward", "training needs more than one value per channel, got input [1, 3]")) {
            var flat = try BatchNorm2D<Double>(inputShape: [3])
            return try flat.forward(try Tensor(zeros: [1, 3]), training: true)
        }
    }

    @Test func softmaxCrossEntropyValues() throws {
        // uniform logits: loss log K; huge logits do not overflow
        let logits = try Tensor<Float>(shape: [2, 4], scalars: [0, 0, 0, 0, 1000, 0, -1000, 0])
        let (loss, gradient) = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: [1, 0])
        #expect(abs(loss - log(4.0) / 2) < 1e-6)
        #expect(gradient.scalars == [0.125, -0.375, 0.125, 0.125, 0, 0, 0, 0])
        #expect(try SoftmaxCrossEntropy.predictions(logits) == [0, 0])
        #expect(try SoftmaxCrossEntropy.accuracy(logits: logits, labels: [1, 0]) == 0.5)
        #expect(try SoftmaxCrossEntropy.probabilities(logits).scalars[4] == 1)
        #expect(throws: ConvKitError(
            "SoftmaxCrossEntropy.lossAndGradient", "label 4 at row 1 is outside 0..<4 (logits [2, 4])")) {
            try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: [1, 4])
        }
        #expect(throws: ConvKitError(
            "SoftmaxCrossEntropy.lossAndGradient", "1 labels for logits [2, 4]: expected 2")) {
            try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: [1])
        }
    }
}


/// Loading parameters by name: the shared weight-and-bias plumbing of Conv2D and Dense.
@Suite struct WeightAndBiasLayerTests {
    @Test func setTensorChecksNamesAndShapes() throws {
        var dense = try Dense<Float>(inputShape: [3], units: 2)
        try dense.setTensor(named: "bias", to: Tensor([1, 2]))
        #expect(dense.bias.scalars == [1, 2])
        #expect(dense.parameters.map(\.name) == ["weight", "bias"])
        #expect(throws: ConvKitError("Dense.setTensor", "\(dense.spec) has no tensor named 'gamma'")) {
            try dense.setTensor(named: "gamma", to: Tensor([1, 2]))
        }
        var conv = try Conv2D<Float>(inputShape: [4, 4, 1], filters: 2, kernel: 3, bias: false)
        #expect(conv.parameters.map(\.name) == ["weight"])
        #expect(throws: ConvKitError("Conv2D.setTensor", "\(conv.spec) has no tensor named 'bias'")) {
            try conv.setTensor(named: "bias", to: Tensor([1, 2]))
        }
    }
}
