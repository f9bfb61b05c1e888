import ArgumentParser
import ConvKit

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
            exit(withError: error)
        }
    }
}
