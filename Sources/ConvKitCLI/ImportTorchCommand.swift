import ArgumentParser
import ConvKit
import Foundation

/// `convkit import-torch`: a PyTorch state dict (safetensors) as a ConvKit checkpoint.
struct ImportTorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-torch",
        abstract: "Turn a PyTorch state dict (.safetensors) into a ConvKit checkpoint for predict, evaluate and train --resume.",
        discussion: """
            The state dict must be that of an nn.Sequential with one module per layer of --model, as `convkit export \
            --torch` writes it: convolution weights (K, C, R, S), dense weights (K, D) with NCHW-flattened inputs. \
            The checkpoint starts a fresh training (SGD, learning rate 0.02, 10 epochs) from these weights.
            """)

    @Argument(help: "The state dict, e.g. written by safetensors.torch.save_file(model.state_dict(), path).")
    var stateDict: String

    @Option(help: "The model spec or preset the state dict belongs to (with its input: \"input HxWxC, …\").")
    var model: String

    @Option(help: "Where to write the checkpoint (.safetensors).")
    var out: String

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a file") }
    }

    func run() throws {
        let spec = try ModelSpec.parse(model)
        guard spec.inputShape != nil else {
            throw CommandFailure("--model '\(model)' names no input shape; begin it with \"input HxWxC, …\" or use a preset")
        }
        var network = try Sequential<Float>(spec)
        let (tensors, _) = try SafeTensors.read(contentsOf: URL(fileURLWithPath: stateDict))
        try network.loadTorchStateDict(tensors)
        let epochs = 10
        let trainer = try Trainer(
            model: network, optimizer: try OptimizerChoice(named: "sgd", learningRate: 0.02),
            configuration: TrainingConfiguration(epochs: epochs, batchSize: 16, learningRate: 0.02, schedule: "cosine \(epochs) 0"))
        let classes = network.outputShape.reduce(1, *)
        try Checkpoint.write(trainer, classes: classes, to: URL(fileURLWithPath: out))
        print("wrote \(out): \(spec), \(network.parameterCount) parameters from \(stateDict)")
    }
}
