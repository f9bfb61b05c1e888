import Testing
import ConvKit

/// The README's tour, as written there, so it keeps compiling and means what it says.
@Suite struct ReadmeTourTests {
    @Test func tourRuns() throws {
        var rng = NumPyRandomState(seed: 1)
        let x = try rng.randn(2, 5, 7, 4)
        let w = try rng.randn(3, 3, 4, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (Z, cache) = try convForward(x, w, b, hparameters: ["pad": 1, "stride": 2])
        #expect(Z.mean() == 0.5511276474566768)
        let (dA, dW, db) = try convBackward(Z, cache: cache)
        #expect(dA.shape == x.shape && dW.shape == w.shape && db.shape == b.shape)

        let options = Conv2DOptions(stride: 2, padding: .same, paddingMode: .reflect, groups: 1, layout: .nhwc, algorithm: .fast)
        let (y, convCache) = try conv2dForward(x, weight: w, bias: b, options: options)
        let grads = try conv2dBackward(y, cache: convCache)
        #expect(y.shape == [2, 3, 4, 8] && grads.input.shape == x.shape)
        let (p, poolCache) = try pool2dForward(
            y, options: Pool2DOptions(.max, window: 3, stride: 2, padding: 1, ceilMode: true, returnIndices: true))
        #expect(p.shape == [2, 2, 3, 8] && poolCache.indices?.shape == p.shape)
        let (up, upCache) = try conv2dTransposeForward(
            p, weight: try rng.randn(3, 3, 4, 8), options: Conv2DOptions(stride: 2, padding: 1), outputPadding: 1)
        let (a, adaptiveCache) = try adaptivePool2dForward(up, options: AdaptivePool2DOptions(.average, outputSize: 3))
        #expect(up.shape == [2, 4, 6, 4] && a.shape == [2, 3, 3, 4])
        #expect(try conv2dTransposeBackward(try adaptivePool2dBackward(a, cache: adaptiveCache), cache: upCache).input.shape == p.shape)

        let model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        #expect(model.summary().contains("6,090") || model.summary().contains("6090"))
        var trainer = try Trainer(
            model: model, optimizer: OptimizerChoice(named: "sgd", learningRate: 0.02),
            configuration: TrainingConfiguration(epochs: 1, batchSize: 16, learningRate: 0.02))
        let (train, test) = try Dataset.digitsSplit()
        #expect(try trainer.run(train: train, test: test) == .finished)
    }
}
