import ArgumentParser
import ConvKit
import Foundation

/// `convkit export`: a checkpoint's model, or a freshly initialised one, as an ONNX file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a model as an ONNX file (NCHW input [N, C, H, W], weights inside).")

    @Option(help: "A checkpoint written by convkit train.")
    var checkpoint: String?

    @Option(help: "Instead of a checkpoint: a preset or model spec, at its initial weights (\"input HxWxC, …\" sets the input).")
    var model: String?

    @Option(help: "With --model: the seed of the initial weights.")
    var seed: UInt32 = 0

    @Option(help: "Where to write the .onnx file.")
    var onnx: String

    @Option(help: "The ONNX operator set to declare (13...23).")
    var opset = 17

    func validate() throws {
        guard (checkpoint == nil) != (model == nil) else { throw ValidationError("give exactly one of --checkpoint and --model") }
        guard (13...23).contains(opset) else { throw ValidationError("--opset must be in 13...23, got \(opset)") }
        guard !onnx.isEmpty else { throw ValidationError("--onnx must name a file") }
    }

    func run() throws {
        let network: Sequential<Float>
        if let checkpoint {
            network = try Checkpoint.read(contentsOf: URL(fileURLWithPath: checkpoint)).trainer.model
        } else {
            network = try Sequential<Float>(try ModelSpec.parse(model ?? ""), seed: seed)
        }
        try network.exportONNX(to: URL(fileURLWithPath: onnx), opset: opset)
        let (h, w, c) = network.inputShape.count == 3 ? (network.inputShape[0], network.inputShape[1], network.inputShape[2]) : (1, 1, 1)
        print("wrote \(onnx): input [N, \(c), \(h), \(w)], output [N, \(network.outputShape.map(String.init).joined(separator: ", "))], opset \(opset)")
    }
}
