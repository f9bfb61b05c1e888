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
        let source = url.path
        let (arrays, metadata) = try SafeTensors.read(contentsOf: url)
        guard metadata["format"] == format, let specText = metadata["model"], let optimizerName = metadata["optimizer"],
            let stateText = metadata["trainer"]
        else {
            throw ConvKitError("Checkpoint.read", "\(source) is not a ConvKit checkpoint (no '\(format)' metadata)")
        }
        let state: TrainerState
        do {
            state = try JSONDecoder().decode(TrainerState.self, from: Data(stateText.utf8))
        } catch {
            throw ConvKitError("Checkpoint.read", "\(source): the trainer metadata is not valid (\(error.localizedDescription))")
        }
        var model = try Sequential<Float>(ModelSpec.parse(specText))
        var modelTensors: [NamedTensor<Float>] = []
        var optimizerTensors: [NamedTensor<Float>] = []
        for (name, array) in arrays.sorted(by: { $0.key < $1.key }) {
            if name.hasPrefix(optimizerPrefix) {
                optimizerTensors.append(NamedTensor(name: String(name.dropFirst(optimizerPrefix.count)), value: array.floats(Float.self)))
            } else {
                modelTensors.append(NamedTensor(name: name, value: array.floats(Float.self)))
            }
        }
        do {
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
            throw ConvKitError("Checkpoint.read", "\(source): \(error.message)")
        }
    }
}
