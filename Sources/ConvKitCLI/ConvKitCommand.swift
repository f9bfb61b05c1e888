import ArgumentParser
import ConvKit
import Foundation

/// `convkit`: the command-line front of ConvKit.
@main
struct ConvKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convkit",
        abstract: "Convolutional networks from scratch: course demo, benchmarks and training.",
        subcommands: [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, VisualizeCommand.self, DemoCommand.self, BenchCommand.self],
        defaultSubcommand: TrainCommand.self
    )

    static func main() {
        ConvKitRuntime.keepLargeAllocations()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // Help and version go out as ArgumentParser prints them; any failure is one line.
            guard code != .success else { exit(withError: error) }
            let message = self.message(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data("Error: \(message)\n".utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}
