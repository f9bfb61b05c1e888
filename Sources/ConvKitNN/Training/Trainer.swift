import ConvKitCore
import Foundation

/// The settings of a training run.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// Passes over the training set.
    public var epochs: Int
    /// Images per step; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// The base learning rate, scaled per epoch by `schedule`.
    public var learningRate: Double
    /// The learning-rate schedule in its text form (see ``LearningRateSchedule``).
    public var schedule: String
    /// Seeds the shuffling and the augmentation (the model has its own seed).
    public var seed: UInt32
    /// Random shifts of up to this many pixels (0: no augmentation).
    public var shift: Int

    /// The most epochs a run may have: a resumed run replays the shuffles of the epochs it has
    /// done, and a checkpoint's count must not make that endless.
    public static let maximumEpochs = 10_000

    /// Settings for `epochs` epochs.
    public init(epochs: Int, batchSize: Int, learningRate: Double, schedule: String = "constant", seed: UInt32 = 0, shift: Int = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.seed = seed
        self.shift = shift
    }
}

/// What one epoch measured.
public struct EpochRecord: Sendable, Codable, Equatable {
    /// 1-based.
    public var epoch: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double
    public var testAccuracy: Double
    /// Seconds spent on the epoch's batches: assembling them and training (evaluation excluded).
    public var seconds: Double
    public var imagesPerSecond: Double
}

/// Where a run is inside an epoch, for the progress display.
public struct TrainingProgress: Sendable {
    /// 1-based epoch and batch.
    public var epoch: Int, epochs: Int, batch: Int, batches: Int
    /// Running mean loss and accuracy of the epoch so far.
    public var loss: Double, accuracy: Double
    public var imagesPerSecond: Double
    /// Seconds left in this epoch at the current speed.
    public var secondsRemaining: Double
}

/// How a call to ``Trainer/run(train:test:shouldStop:onBatch:onEpoch:)`` ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// Every epoch is done.
    case finished
    /// `shouldStop` asked to stop; the trainer can be saved and resumed where it stopped.
    case interrupted
    /// The loss of a step was not finite; the model is no longer usable.
    case diverged(step: Int, loss: Double)
}

/// Trains a model with softmax cross-entropy, one epoch after another, and can stop after any
/// batch and resume there with the same result as an uninterrupted run.
public struct Trainer: Sendable {
    public var model: Sequential<Float>
    public var optimizer: OptimizerChoice<Float>
    public let configuration: TrainingConfiguration
    /// One record per finished epoch.
    public internal(set) var history: [EpochRecord] = []
    /// Finished epochs.
    public internal(set) var epoch = 0
    /// Batches done in the epoch under way.
    public internal(set) var batchInEpoch = 0
    /// Sums of the epoch under way: loss × images, correct predictions, images, seconds.
    var partial = PartialEpoch()

    struct PartialEpoch: Sendable, Codable, Equatable {
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        var seconds = 0.0
    }

    /// A trainer at the start of a run.
    ///
    /// - Throws: ``ConvKitError`` for invalid settings.
    public init(model: Sequential<Float>, optimizer: OptimizerChoice<Float>, configuration: TrainingConfiguration) throws {
        guard (1...TrainingConfiguration.maximumEpochs).contains(configuration.epochs), configuration.batchSize >= 1,
            configuration.learningRate > 0, configuration.learningRate.isFinite, configuration.shift >= 0
        else {
            throw ConvKitError(
                "Trainer", "epochs must be in 1...\(TrainingConfiguration.maximumEpochs), the batch size at least 1, "
                    + "the learning rate positive and the shift not negative (epochs \(configuration.epochs), "
                    + "batch size \(configuration.batchSize), learning rate \(configuration.learningRate), "
                    + "shift \(configuration.shift))")
        }
        _ = try LearningRateSchedule.parse(configuration.schedule)
        self.model = model
        self.optimizer = optimizer
        self.configuration = configuration
    }

    /// Trains until every epoch is done, `shouldStop()` returns true after a batch, or a loss is
    /// not finite. `onBatch` sees every batch, `onEpoch` every finished epoch (with the test set's
    /// loss and accuracy), and `afterEpoch` the trainer as it stands after each finished epoch
    /// (to save a checkpoint: resumed, it continues with the next epoch).
    ///
    /// - Throws: ``ConvKitError`` when the data do not fit the model, or what `afterEpoch` throws.
    public mutating func run(
        train: Dataset, test: Dataset, shouldStop: () -> Bool = { false },
        onBatch: (TrainingProgress) -> Void = { _ in }, onEpoch: (EpochRecord) -> Void = { _ in },
        afterEpoch: (Trainer) throws -> Void = { _ in }
    ) throws -> TrainingOutcome {
        let schedule = try LearningRateSchedule.parse(configuration.schedule)
        var loader = try BatchLoader(
            train, batchSize: configuration.batchSize, shuffle: true, seed: configuration.seed,
            augmentation: configuration.shift > 0 ? BatchLoader.ShiftAugmentation(maxShift: configuration.shift) : nil)
        guard batchInEpoch <= loader.batchesPerEpoch else {
            throw ConvKitError(
                "Trainer.run", "the trainer stands at batch \(batchInEpoch) of an epoch of \(loader.batchesPerEpoch) batches "
                    + "of '\(train.name)': it was saved on other data")
        }
        // Replay the shuffles of the finished epochs so a resumed run sees the same batches.
        for _ in 0..<epoch { _ = loader.nextEpoch() }
        while epoch < configuration.epochs {
            optimizer.learningRate = schedule.learningRate(base: configuration.learningRate, at: epoch)
            var index = 0
            // Seconds count batch assembly and steps, as PyTorch's script times its epochs.
            var clock = DispatchTime.now().uptimeNanoseconds
            for batch in loader.nextEpoch() {
                defer { index += 1 }
                guard index >= batchInEpoch else {
                    clock = DispatchTime.now().uptimeNanoseconds
                    continue
                }
                let (loss, correct) = try model.trainStep(batch.images, labels: batch.labels, optimizer: &optimizer)
                guard loss.isFinite else { return .diverged(step: optimizer.stepCount, loss: loss) }
                let now = DispatchTime.now().uptimeNanoseconds
                partial.seconds += Double(now - clock) / 1e9
                clock = now
                partial.lossSum += loss * Double(batch.count)
                partial.correct += correct
                partial.seen += batch.count
                batchInEpoch = index + 1
                let speed = Double(partial.seen) / max(partial.seconds, 1e-9)
                onBatch(TrainingProgress(
                    epoch: epoch + 1, epochs: configuration.epochs, batch: batchInEpoch, batches: loader.batchesPerEpoch,
                    loss: partial.lossSum / Double(partial.seen), accuracy: Double(partial.correct) / Double(partial.seen),
                    imagesPerSecond: speed, secondsRemaining: Double(train.count - partial.seen) / speed))
                if batchInEpoch < loader.batchesPerEpoch && shouldStop() { return .interrupted }
            }
            let (testLoss, testAccuracy) = try model.evaluate(test.images, labels: test.labels)
            let record = EpochRecord(
                epoch: epoch + 1, learningRate: optimizer.learningRate,
                trainLoss: partial.lossSum / Double(max(partial.seen, 1)),
                trainAccuracy: Double(partial.correct) / Double(max(partial.seen, 1)),
                testLoss: testLoss, testAccuracy: testAccuracy, seconds: partial.seconds,
                imagesPerSecond: Double(partial.seen) / max(partial.seconds, 1e-9))
            history.append(record)
            epoch += 1
            batchInEpoch = 0
            partial = PartialEpoch()
            onEpoch(record)
            try afterEpoch(self)
            if epoch < configuration.epochs && shouldStop() { return .interrupted }
        }
        return .finished
    }
}
