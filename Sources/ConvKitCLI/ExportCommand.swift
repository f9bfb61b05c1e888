import ArgumentParser
import ConvKit
import Foundation

/// `convkit export`: a checkpoint's model, or a freshly initialised one, as an ONNX file and/or
/// as PyTorch source with its state dict.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model as an ONNX file (NCHW input [N, C, H, W], weights inside) or for PyTorch (model.py and state_dict.safetensors).")

    @Option(help: "A checkpoint written by convkit train.")
    var checkpoint: String?

    @Option(help: "Instead of a checkpoint: a preset or model spec, at its initial weights (\"input HxWxC, …\" sets the input).")
    var model: String?

    @Option(help: "With --model: the seed of the initial weights.")
    var seed: UInt32 = 0

    @Option(help: "Where to write the .onnx file.")
    var onnx: String?

    @Option(help: "A folder to write model.py (an nn.Sequential) and state_dict.safetensors (PyTorch's names and layouts) into.")
    var torch: String?

    @Option(help: "The ONNX operator set to declare (13...23).")
    var opset = 17

    func validate() throws {
        guard (checkpoint == nil) != (model == nil) else { throw ValidationError("give exactly one of --checkpoint and --model") }
        guard (13...23).contains(opset) else { throw ValidationError("--opset must be in 13...23, got \(opset)") }
        guard onnx != nil || torch != nil else { throw ValidationError("give --onnx FILE, --torch FOLDER or both") }
        guard onnx?.isEmpty != true else { throw ValidationError("--onnx must name a file") }
        guard torch?.isEmpty != true else { throw ValidationError("--torch must name a folder") }
    }

    func run() throws {
        let network: Sequential<Float>
        if let checkpoint {
            network = try Checkpoint.read(contentsOf: URL(fileURLWithPath: checkpoint)).trainer.model
        } else {
            network = try Sequential<Float>(try ModelSpec.parse(model ?? ""), seed: seed)
        }
        let (h, w, c) = network.inputShape.count == 3 ? (network.inputShape[0], network.inputShape[1], network.inputShape[2]) : (1, 1, 1)
        let shapes = "input [N, \(c), \(h), \(w)], output [N, \(network.outputShape.map(String.init).joined(separator: ", "))]"
        if let onnx {
            try network.exportONNX(to: URL(fileURLWithPath: onnx), opset: opset)
            print("wrote \(onnx): \(shapes), opset \(opset)")
        }
        if let torch {
            try network.exportTorch(to: URL(fileURLWithPath: torch, isDirectory: true))
            print("wrote \(torch)/model.py and state_dict.safetensors: \(shapes)")
        }
    }
}
