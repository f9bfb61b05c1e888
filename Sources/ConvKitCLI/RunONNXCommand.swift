import ArgumentParser
import ConvKit
import Foundation

/// `convkit run-onnx`: an ONNX model on `.npy` inputs.
struct RunONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-onnx", abstract: "Run an ONNX model on .npy inputs and write or print its outputs.")

    @Argument(help: "The .onnx model.")
    var model: String

    @Option(help: "An input: PATH.npy for a model with one input, or NAME=PATH.npy (repeat for several).")
    var input: [String] = []

    @Option(help: "Where to write an output: PATH.npy for the first output, or NAME=PATH.npy (repeat for several). Without it, shapes and a summary are printed.")
    var output: [String] = []

    @Option(help: "Threads (default: the cores this process may use).")
    var threads: Int?

    @Flag(help: "Only the graph rewrites that keep every result bit for bit (no BatchNormalization folding).")
    var exact = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let onnx = try ONNXModel(contentsOf: URL(fileURLWithPath: model), optimization: exact ? .exact : .all)
        var inputs: [String: NPYArray] = [:]
        for argument in input {
            let (name, path) = try Self.split(argument, names: onnx.inputNames, option: "--input")
            inputs[name] = try NPY.read(contentsOf: URL(fileURLWithPath: path))
        }
        let start = ContinuousClock.now
        let results = try onnx.run(inputs, threads: threads)
        let elapsed = ContinuousClock.now - start
        for argument in output {
            let (name, path) = try Self.split(argument, names: onnx.outputNames, option: "--output")
            guard let value = results[name] else { throw CommandFailure("the model computed no output '\(name)'") }
            try NPY.write(value, to: URL(fileURLWithPath: path))
        }
        if output.isEmpty {
            for name in onnx.outputNames {
                guard let value = results[name] else { continue }
                let floats = value.floats(Double.self).scalars
                let mean = floats.isEmpty ? 0 : floats.reduce(0, +) / Double(floats.count)
                print("\(name): \(value.dtype) \(value.shape), mean \(mean)")
            }
        }
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        print("ran \(model.split(separator: "/").last.map(String.init) ?? model) in \(String(format: "%.1f", milliseconds)) ms")
    }

    /// `NAME=PATH` or, when the model has exactly one name, `PATH`.
    static func split(_ argument: String, names: [String], option: String) throws -> (name: String, path: String) {
        if let equals = argument.firstIndex(of: "="), names.contains(String(argument[..<equals])) {
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        guard names.count == 1 else {
            throw ValidationError("\(option) \(argument): the model has \(names.count) of them (\(names.joined(separator: ", "))); write NAME=PATH")
        }
        return (names[0], argument)
    }
}
