import ArgumentParser
import ConvKit
import Foundation

/// `convkit`: the command-line front of ConvKit.
@main
struct ConvKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convkit",
        abstract: "Convolutional networks from scratch: course demo, benchmarks and training.",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, VisualizeCommand.self, DemoCommand.self, BenchCommand.self,
            RunONNXCommand.self, ExportCommand.self, ImportTorchCommand.self, ExplainCommand.self,
        ],
        defaultSubcommand: TrainCommand.self
    )

    static func main() {
        ConvKitRuntime.keepLargeAllocations()
        // Messages carry the subcommand's name, even those of parsing (train is the default).
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        let first = CommandLine.arguments.dropFirst().first
        let subcommand = first.flatMap { names.contains($0) ? $0 : nil } ?? "train"
        let name = "convkit " + subcommand
        do {
            var command = try parseAsRoot()
            try command.run()
            try StandardOutput.finish()
        } catch {
            let code = exitCode(for: error)
            // Help and version go out as ArgumentParser prints them; any failure is one line,
            // named after the subcommand.
            guard code != .success else { exit(withError: error) }
            var message = self.message(for: error)
                .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            if message.hasPrefix(subcommand + ": ") { message.removeFirst(subcommand.count + 2) }
            if !message.isEmpty { FileHandle.standardError.write(Data("\(name): \(message)\n".utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}

/// A failure while a command runs (as opposed to a usage error, which ArgumentParser's
/// `ValidationError` reports with status 64): one line, status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Standard output, checked: a write that failed (a full disk, `/dev/full`, a closed pipe) is
/// an error, never lost output with a successful exit.
enum StandardOutput {
    /// Flushes the output streams and throws if a write failed. (A stream keeps failing once a
    /// device is full, so the last flush fails too.)
    static func finish() throws {
        guard fflush(nil) == 0 else {
            throw CommandFailure("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }
}
