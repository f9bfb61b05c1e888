import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The built `convkit` on hostile invocations: each must exit with the expected status, print
/// one line naming the subcommand and the fault, and leave no partial output behind.
@Suite(.serialized) struct CLIHostileTests {
    struct Outcome {
        let status: Int32
        let standardError: String
        let standardOutput: String
    }

    /// `convkit` beside the test bundle (SwiftPM builds it for this target).
    static let executable: URL = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return directory.appendingPathComponent("convkit")
    }()

    /// A fresh working folder for one case.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs convkit in `directory`; stdout goes to `output` when given (e.g. /dev/full), else to
    /// a file read afterwards (as stderr is). With `signal`, the signal is sent once the file
    /// `whenExists` (relative to `directory`) appears, so the case does not depend on timing.
    static func run(_ arguments: [String], in directory: URL, output: String? = nil,
                    signal: (number: Int32, whenExists: String)? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-cli-\(UUID().uuidString)")
        let (outPath, errPath) = (capture.path + ".out", capture.path + ".err")
        for path in [outPath, errPath] { try #require(FileManager.default.createFile(atPath: path, contents: nil)) }
        defer { for path in [outPath, errPath] { try? FileManager.default.removeItem(atPath: path) } }
        process.standardOutput = FileHandle(forWritingAtPath: output ?? outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        if let signal {
            let path = directory.appendingPathComponent(signal.whenExists).path
            let deadline = Date().addingTimeInterval(300)
            while process.isRunning, !FileManager.default.fileExists(atPath: path), Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            kill(process.processIdentifier, signal.number)
        }
        process.waitUntilExit()
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return Outcome(status: process.terminationStatus, standardError: read(errPath), standardOutput: read(outPath))
    }

    /// Requires the status and one line of stderr holding `words`.
    func expect(_ outcome: Outcome, status: Int32, _ words: String, _ sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == status, "status \(outcome.status), stderr: \(outcome.standardError)", sourceLocation: sourceLocation)
        let lines = outcome.standardError.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.contains(words), "stderr: \(outcome.standardError)", sourceLocation: sourceLocation)
    }

    @Test func theExecutableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "\(Self.executable.path)")
    }

    @Test func filesThatAreNotFiles() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        #expect(mkfifo(here.appendingPathComponent("fifo").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: here.appendingPathComponent("dir"), withIntermediateDirectories: false)
        expect(try Self.run(["evaluate", "--checkpoint", "missing.safetensors"], in: here), status: 1,
               "convkit evaluate: Checkpoint.read: cannot read")
        expect(try Self.run(["evaluate", "--checkpoint", "dir"], in: here), status: 1, "is a directory, not a file")
        expect(try Self.run(["evaluate", "--checkpoint", "fifo"], in: here), status: 1, "is a FIFO")
        expect(try Self.run(["predict", "--checkpoint", "dir", "x.png"], in: here), status: 1, "convkit predict:")
    }

    @Test func truncatedAndLyingFiles() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let trained = try Self.run(["train", "--epochs", "1", "--out", "run"], in: here)
        #expect(trained.status == 0, "\(trained.standardError)")
        let checkpoint = here.appendingPathComponent("run/checkpoint.safetensors")
        let bytes = try Data(contentsOf: checkpoint)
        try bytes.prefix(bytes.count / 2).write(to: here.appendingPathComponent("half.safetensors"))
        expect(try Self.run(["evaluate", "--checkpoint", "half.safetensors"], in: here), status: 1, "convkit evaluate: Checkpoint.read")
        // An .npy whose header promises 10^15 images of the model's shape.
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000, 8, 8, 1), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        npy.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        npy.append(Data(header.utf8))
        try npy.write(to: here.appendingPathComponent("lying.npy"))
        expect(try Self.run(["predict", "--checkpoint", "run/checkpoint.safetensors", "lying.npy"], in: here), status: 1,
               "convkit predict: NPY.read")
    }

    @Test func overflowingAndOversizedValues() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        expect(try Self.run(["train", "--epochs", "-1"], in: here), status: 64, "convkit train: --epochs must be in 1...10000, got -1")
        expect(try Self.run(["train", "--out", ""], in: here), status: 64, "--out must name a folder")
        expect(try Self.run(["train", "--model", "conv 1 3 pad 4611686018427387904, flatten, dense 10", "--out", "a"], in: here),
               status: 1, "overflows")
        expect(try Self.run(["train", "--model", "flatten, dense 1000000000", "--out", "b"], in: here),
               status: 1, "more than the memory limit")
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("a").path))
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("b").path))
        try #"{"conv": [{"name": "x", "N": 1, "C": 1, "H": 4, "W": 4, "K": 1, "R": 3, "S": 3, "stride": 0, "pad": 1}], "pool": []}"#
            .write(to: here.appendingPathComponent("suite.json"), atomically: true, encoding: .utf8)
        expect(try Self.run(["bench", "--suite", "suite.json"], in: here), status: 1, "convkit bench: ")
        let huge = try Self.run(["train", "--batch-size", "9223372036854775807", "--epochs", "1", "--out", "c"], in: here)
        #expect(huge.status == 0, "\(huge.standardError)")
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("runs").path))
    }

    @Test func failingStandardOutput() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else {
            print("CLIHostileTests.failingStandardOutput skipped: no /dev/full on this system")
            return
        }
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        expect(try Self.run(["demo"], in: here, output: "/dev/full"), status: 1,
               "convkit demo: cannot write to standard output: No space left on device")
    }

    @Test func resumeRefusesOtherSettings() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        #expect(try Self.run(["train", "--epochs", "2", "--out", "run"], in: here).status == 0)
        expect(try Self.run(["train", "--resume", "run/checkpoint.safetensors", "--lr", "0.5", "--optimizer", "adam"], in: here),
               status: 64, "cannot change --optimizer (the checkpoint's is sgd), --lr (the checkpoint's is 0.02)")
    }

    /// A loss that is not finite stops the run naming the step; a run that saved nothing
    /// removes the folder it made.
    @Test func divergingTrainingStops() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let outcome = try Self.run(["train", "--lr", "1e30", "--epochs", "2", "--out", "run"], in: here)
        expect(outcome, status: 1, "convkit train: training diverged at step")
        #expect(outcome.standardError.contains("no checkpoint was written; removed"), "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("run").path))
    }

    /// ONNX in and out: a model written by export runs in run-onnx; wrong invocations and a
    /// file that is not a model get one line each.
    @Test func onnxCommands() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        expect(try Self.run(["export", "--onnx", "m.onnx"], in: here), status: 64, "give exactly one of --checkpoint and --model")
        #expect(try Self.run(["export", "--model", "digits", "--onnx", "m.onnx"], in: here).status == 0)
        try NPY.write(try Tensor<Float>(zeros: [2, 1, 8, 8]), to: here.appendingPathComponent("x.npy"))
        let ran = try Self.run(["run-onnx", "m.onnx", "--input", "x.npy", "--output", "y.npy"], in: here)
        #expect(ran.status == 0, "\(ran.standardError)")
        #expect(try NPY.read(contentsOf: here.appendingPathComponent("y.npy")).shape == [2, 10])
        try Data("not a model".utf8).write(to: here.appendingPathComponent("bad.onnx"))
        expect(try Self.run(["run-onnx", "bad.onnx"], in: here), status: 1, "bad.onnx is not an ONNX model")
        expect(try Self.run(["run-onnx", "m.onnx", "--input", "missing.npy"], in: here), status: 1, "convkit run-onnx: NPY.read: cannot read")
        expect(try Self.run(["run-onnx", "m.onnx", "--output", "logits=y.npy"], in: here), status: 1, "input 'input' is missing")
    }

    /// PyTorch in and out: import-torch turns PyTorch's state dict into a checkpoint holding its
    /// weights, export --torch writes both files; a wrong spec gets one line and no file.
    @Test func torchCommands() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let stateDict = PeerFixtures.url("torch_state_dict.safetensors").path
        let imported = try Self.run(["import-torch", stateDict, "--model", TorchInteropTests.spec, "--out", "c.safetensors"], in: here)
        #expect(imported.status == 0, "\(imported.standardError)")
        let checkpoint = try Checkpoint.read(contentsOf: here.appendingPathComponent("c.safetensors"))
        #expect(try checkpoint.trainer.model.torchStateDict() == TorchInteropTests.loaded().torchStateDict())
        #expect(checkpoint.classes == 5)
        let exported = try Self.run(["export", "--checkpoint", "c.safetensors", "--torch", "out"], in: here)
        #expect(exported.status == 0, "\(exported.standardError)")
        for file in ["out/model.py", "out/state_dict.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: here.appendingPathComponent(file).path), "\(file)")
        }
        expect(try Self.run(["import-torch", stateDict, "--model", "digits", "--out", "d.safetensors"], in: here), status: 1,
               "convkit import-torch: Sequential.loadTorchStateDict: '0.weight' has shape [4, 3, 3, 3] in the state dict but layer 0")
        expect(try Self.run(["import-torch", stateDict, "--model", "conv 4 3x3, flatten, dense 2", "--out", "d.safetensors"], in: here),
               status: 1, "names no input shape")
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("d.safetensors").path))
        expect(try Self.run(["export", "--model", "digits"], in: here), status: 64, "give --onnx FILE, --torch FOLDER or both")
    }

    /// explain draws a step into its folder; an unknown step or a folder that cannot be made gets
    /// one line and no file.
    @Test func explainCommand() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let drawn = try Self.run(["explain", "pool-forward", "--out", "figures"], in: here)
        #expect(drawn.status == 0, "\(drawn.standardError)")
        let files = try FileManager.default.contentsOfDirectory(atPath: here.appendingPathComponent("figures").path).sorted()
        #expect(files == ["pool-forward-stride1-sliding.png", "pool-forward-stride1.png", "pool-forward-stride2-sliding.png", "pool-forward-stride2.png"])
        expect(try Self.run(["explain", "conv-sideways", "--out", "other"], in: here), status: 1,
               "convkit explain: unknown step 'conv-sideways'; the steps are zero-pad, conv-single-step, conv-forward, conv-backward, pool-forward, pool-backward, mask, distribute-value, loop-free-backward, cs231n, or all")
        let paged = try Self.run(["explain", "mask", "--html", "--out", "figures"], in: here)
        #expect(paged.status == 0, "\(paged.standardError)")
        let index = try String(contentsOf: here.appendingPathComponent("figures/index.html"), encoding: .utf8)
        #expect(index.contains("href=\"mask.html\"") && !index.contains("zero-pad.html"), "the index links the pages that exist")
        try Data("a file".utf8).write(to: here.appendingPathComponent("file"))
        expect(try Self.run(["explain", "mask", "--out", "file/figures"], in: here), status: 1, "cannot create the output folder file/figures")
        #expect(!FileManager.default.fileExists(atPath: here.appendingPathComponent("other").path))
    }

    /// visualize draws the filters and every conv layer's maps of a trained checkpoint as figures.
    @Test func visualizeCommand() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let trained = try Self.run(["train", "--epochs", "1", "--out", "run"], in: here)
        #expect(trained.status == 0, "\(trained.standardError)")
        let drawn = try Self.run(["visualize", "--checkpoint", "run/checkpoint.safetensors", "--out", "pictures"], in: here)
        #expect(drawn.status == 0, "\(drawn.standardError)")
        let files = try FileManager.default.contentsOfDirectory(atPath: here.appendingPathComponent("pictures").path).sorted()
        #expect(files == ["featuremaps-0-conv.png", "featuremaps-3-conv.png", "filters.png", "input.png", "zero-padding.png"])
        let model = try Checkpoint.read(contentsOf: here.appendingPathComponent("run/checkpoint.safetensors")).trainer.model
        let filters = try PNGImage.read(contentsOf: here.appendingPathComponent("pictures/filters.png"))
        #expect(filters == model.filterFigure()?.render())
        try Data("a file".utf8).write(to: here.appendingPathComponent("file"))
        expect(try Self.run(["visualize", "--checkpoint", "run/checkpoint.safetensors", "--out", "file/x"], in: here), status: 1,
               "cannot create the output folder file/x")
    }

    /// SIGTERM stops after the current batch, saves a checkpoint that resumes, and exits 143;
    /// nothing half-written is left.
    @Test func terminatedTrainingKeepsItsWork() throws {
        let here = try Self.folder()
        defer { try? FileManager.default.removeItem(at: here) }
        let outcome = try Self.run(["train", "--epochs", "3000", "--out", "run"], in: here, signal: (SIGTERM, "run/checkpoint.safetensors"))
        #expect(outcome.status == 143, "status \(outcome.status), stderr: \(outcome.standardError)")
        #expect(outcome.standardOutput.contains("checkpoint saved to"))
        let files = try FileManager.default.contentsOfDirectory(atPath: here.appendingPathComponent("run").path)
        #expect(files.contains("checkpoint.safetensors"))
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "\(files)")
        let (trainer, _) = try Checkpoint.read(contentsOf: here.appendingPathComponent("run/checkpoint.safetensors"))
        #expect(trainer.epoch >= 1, "a checkpoint after every epoch")
    }
}
