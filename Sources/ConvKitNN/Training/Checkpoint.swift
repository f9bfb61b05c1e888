import ConvKitCore
import ConvKitFormats
import Foundation

/// A trainer saved to a safetensors file: the model's tensors under their own names
/// (`"0.weight"`, … as `Sequential.state` names them, so numpy or PyTorch's `safetensors` loads
/// them directly), the optimiser's under `"optimizer."` + its names, and in the metadata the
/// model spec, the optimiser's name and the trainer's position and history (JSON).
///
/// Convolution weights are stored as ConvKit holds them, `(R, S, C, K)` (NHWC), not PyTorch's
/// `(K, C, R, S)`.
public enum Checkpoint {
    static let format = "convkit-checkpoint-1"
    static let optimizerPrefix = "optimizer."

    struct TrainerState: Codable {
        var configuration: TrainingConfiguration
        var history: [EpochRecord]
        var epoch: Int
        var batchInEpoch: Int
        var partial: Trainer.PartialEpoch
        var classes: Int

        /// Positions and counts a trainer could have reached.
        package func validate(source: String, function: String) throws {
            func refuse(_ what: String) -> ConvKitError {
                ConvKitError(function, "\(source): the trainer metadata is not valid: \(what)")
            }
            guard (1...TrainingConfiguration.maximumEpochs).contains(configuration.epochs) else {
                throw refuse("configuration.epochs \(configuration.epochs) is outside 1...\(TrainingConfiguration.maximumEpochs)")
            }
            guard (0...configuration.epochs).contains(epoch) else {
                throw refuse("epoch \(epoch) is outside 0...\(configuration.epochs)")
            }
            guard history.count == epoch else { throw refuse("\(history.count) history records for \(epoch) epochs") }
            guard batchInEpoch >= 0 else { throw refuse("batchInEpoch \(batchInEpoch) is negative") }
            guard partial.seen >= 0, partial.correct >= 0, partial.correct <= partial.seen,
                partial.lossSum.isFinite, partial.seconds.isFinite, partial.seconds >= 0
            else {
                throw refuse("the partial epoch's sums are not consistent")
            }
            guard classes >= 1 else { throw refuse("classes \(classes) must be at least 1") }
        }
    }

    /// Writes `trainer` to `url` atomically (a temporary file, then a rename).
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be written.
    public static func write(_ trainer: Trainer, classes: Int, to url: URL) throws {
        var tensors: [String: Tensor<Float>] = [:]
        for tensor in trainer.model.state { tensors[tensor.name] = tensor.value }
        for tensor in trainer.optimizer.state { tensors[optimizerPrefix + tensor.name] = tensor.value }
        let state = TrainerState(
            configuration: trainer.configuration, history: trainer.history, epoch: trainer.epoch,
            batchInEpoch: trainer.batchInEpoch, partial: trainer.partial, classes: classes)
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try SafeTensors.write(
            tensors,
            metadata: ["format": format, "model": trainer.model.spec.description, "optimizer": trainer.optimizer.name, "trainer": json],
            to: url)
    }

    /// Reads a checkpoint written by ``write(_:classes:to:)`` back into a trainer, ready to
    /// ``Trainer/run(train:test:shouldStop:onBatch:onEpoch:)`` from where it stopped.
    ///
    /// - Throws: ``ConvKitError`` naming the file when it is not a ConvKit checkpoint or its
    ///   tensors do not fit its model.
    public static func read(contentsOf url: URL) throws -> (trainer: Trainer, classes: Int) {
        try decode(FileInput.read(url, function: "Checkpoint.read"), source: url.path, function: "Checkpoint.read")
    }

    /// Decodes the bytes of a checkpoint (see ``read(contentsOf:)``).
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    public static func decode(_ data: Data, source: String = "data") throws -> (trainer: Trainer, classes: Int) {
        try decode(data, source: source, function: "Checkpoint.decode")
    }

    static func decode(_ data: Data, source: String, function: String) throws -> (trainer: Trainer, classes: Int) {
        let (arrays, metadata) = try SafeTensors.decode(data, source: source, function: function)
        guard metadata["format"] == format, let specText = metadata["model"], let optimizerName = metadata["optimizer"],
            let stateText = metadata["trainer"]
        else {
            throw ConvKitError(function, "\(source) is not a ConvKit checkpoint (no '\(format)' metadata)")
        }
        let state = try JSONInput.decode(
            TrainerState.self, from: Data(stateText.utf8), source: "\(source), trainer metadata", function: function)
        try state.validate(source: source, function: function)
        var modelTensors: [NamedTensor<Float>] = []
        var optimizerTensors: [NamedTensor<Float>] = []
        for (name, array) in arrays.sorted(by: { $0.key < $1.key }) {
            let value = array.floats(Float.self)
            if let index = value.scalars.firstIndex(where: { !$0.isFinite }) {
                throw ConvKitError(
                    function, "\(source): tensor '\(name)' holds \(value.scalars[index]) at element \(index); "
                        + "a checkpoint's values must be finite")
            }
            if name.hasPrefix(optimizerPrefix) {
                optimizerTensors.append(NamedTensor(name: String(name.dropFirst(optimizerPrefix.count)), value: value))
            } else {
                modelTensors.append(NamedTensor(name: name, value: value))
            }
        }
        do {
            // The model may hold no more parameters than the file brings: a spec in the metadata
            // cannot make a small file allocate gigabytes.
            var model = try Sequential<Float>(
                ModelSpec.parse(specText), inputShape: nil, seed: 0,
                parameterBudget: modelTensors.reduce(0) { $0 + $1.value.count })
            try model.loadState(modelTensors)
            var optimizer = try OptimizerChoice<Float>(named: optimizerName, learningRate: state.configuration.learningRate)
            try optimizer.loadState(optimizerTensors)
            var trainer = try Trainer(model: model, optimizer: optimizer, configuration: state.configuration)
            trainer.history = state.history
            trainer.epoch = state.epoch
            trainer.batchInEpoch = state.batchInEpoch
            trainer.partial = state.partial
            return (trainer, state.classes)
        } catch let error as ConvKitError {
            throw ConvKitError(function, "\(source): \(error.message)")
        }
    }
}
