import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The trainer, its checkpoints and exact resumption.
@Suite struct TrainingTests {
    static func smallDigits() throws -> (train: Dataset, test: Dataset) {
        let (train, test) = try Dataset.digitsSplit()
        return (try train.subset(Array(0..<192)), try test.subset(Array(0..<64)))
    }

    static func freshTrainer(_ configuration: TrainingConfiguration, learningRate: Double = 0.02) throws -> Trainer {
        try Trainer(
            model: Sequential<Float>(ModelSpec.digits, seed: 5),
            optimizer: OptimizerChoice(named: "sgd", learningRate: learningRate), configuration: configuration)
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("convkit-\(UUID().uuidString)-\(name)")
    }

    /// Stopping after any batch, saving, reading and continuing gives the uninterrupted run's
    /// weights to the bit (shuffling, augmentation, optimiser state and all).
    @Test(arguments: [3, 6, 8])
    func resumingGivesTheUninterruptedResult(stopAfterBatch: Int) throws {
        let (train, test) = try Self.smallDigits()
        let configuration = TrainingConfiguration(
            epochs: 2, batchSize: 32, learningRate: 0.02, schedule: "cosine 2 0", seed: 3, shift: 1)
        var whole = try Self.freshTrainer(configuration)
        #expect(try whole.run(train: train, test: test) == .finished)

        var first = try Self.freshTrainer(configuration)
        var batches = 0
        let outcome = try first.run(train: train, test: test, shouldStop: {
            batches += 1
            return batches == stopAfterBatch
        })
        #expect(outcome == .interrupted)
        let url = Self.temporaryFile("resume.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.write(first, classes: 10, to: url)
        var (resumed, classes) = try Checkpoint.read(contentsOf: url)
        #expect(classes == 10)
        #expect(resumed.epoch * 6 + resumed.batchInEpoch == stopAfterBatch)
        #expect(try resumed.run(train: train, test: test) == .finished)

        #expect(resumed.model.state.map(\.name) == whole.model.state.map(\.name))
        for (a, b) in zip(resumed.model.state, whole.model.state) { #expect(a.value == b.value, "\(a.name)") }
        #expect(resumed.history.map(\.trainLoss) == whole.history.map(\.trainLoss))
        #expect(resumed.history.map(\.testAccuracy) == whole.history.map(\.testAccuracy))
        #expect(whole.history.count == 2)
    }

    @Test func trainingLearnsTheDigits() throws {
        let (train, test) = try Dataset.digitsSplit()
        var trainer = try Self.freshTrainer(TrainingConfiguration(epochs: 2, batchSize: 16, learningRate: 0.02))
        #expect(try trainer.run(train: train, test: test) == .finished)
        // Two epochs of the default recipe already classify most test digits.
        let (first, last) = (try #require(trainer.history.first), try #require(trainer.history.last))
        #expect(last.testAccuracy > 0.9)
        #expect(last.trainLoss < first.trainLoss)
    }

    @Test func aLossThatIsNotFiniteStopsTraining() throws {
        let (train, test) = try Self.smallDigits()
        var trainer = try Self.freshTrainer(TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 1e30), learningRate: 1e30)
        guard case .diverged(let step, let loss) = try trainer.run(train: train, test: test) else {
            Issue.record("training with a learning rate of 1e30 did not diverge")
            return
        }
        #expect(step >= 1 && !loss.isFinite)
    }

    @Test func dataThatDoesNotFitTheModelIsRejected() throws {
        let model = try Sequential<Float>(ModelSpec.mnist)
        let (train, _) = try Self.smallDigits()
        #expect(throws: ConvKitError("train", "the model takes 28x28x1 images but digits.csv has 8x8x1 images")) {
            try model.checkFits(train, source: "digits.csv")
        }
    }

    @Test func aSafetensorsFileThatIsNotACheckpointIsRejected() throws {
        let url = Self.temporaryFile("plain.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(["w": try Tensor<Float>(shape: [2], scalars: [1, 2])], to: url)
        #expect(throws: ConvKitError("Checkpoint.read", "\(url.path) is not a ConvKit checkpoint (no 'convkit-checkpoint-1' metadata)")) {
            try Checkpoint.read(contentsOf: url)
        }
    }

    @Test func confusionMatrixCountsPairs() {
        var matrix = ConfusionMatrix(classes: 3)
        for (truth, prediction) in [(0, 0), (1, 1), (1, 2), (2, 2), (2, 2), (5, 0)] { matrix.add(truth: truth, prediction: prediction) }
        #expect(matrix.counts == [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
        #expect(matrix.accuracy == 0.8)
    }

    static let pythonHasSafetensors = Python.canImport("safetensors.numpy")

    /// The `safetensors` package reads a checkpoint and finds the same weights (skipped where
    /// python3 or the package is missing).
    @Test(.enabled(if: pythonHasSafetensors, "needs python3 with the safetensors package"))
    func pythonSafetensorsLoadsACheckpoint() throws {
        let (train, test) = try Self.smallDigits()
        var trainer = try Self.freshTrainer(TrainingConfiguration(epochs: 1, batchSize: 64, learningRate: 0.02))
        _ = try trainer.run(train: train, test: test)
        let url = Self.temporaryFile("python.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.write(trainer, classes: 10, to: url)
        let weight = try #require(trainer.model.state.first { $0.name == "0.weight" })
        let script = """
            import sys, numpy as np
            from safetensors.numpy import load_file
            w = load_file(sys.argv[1])["0.weight"]
            print(" ".join(repr(float(v)) for v in w.ravel()[:5]), w.shape)
            """
        let output = try Python.run(script, url.path)
        let expected = weight.value.scalars.prefix(5).map { "\(Double($0))" }.joined(separator: " ") + " (3, 3, 1, 16)"
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}
