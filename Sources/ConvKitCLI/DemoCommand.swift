import ArgumentParser
import ConvKit

/// `convkit demo`: replays the course's examples and checks every published value.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay the course's examples and check each result against its published value.",
        discussion: "Exits non-zero if any value differs (✗)."
    )

    func run() throws {
        var failed = 0
        var total = 0
        for example in CourseExamples.all {
            print("── \(example.title) " + String(repeating: "─", count: max(0, 70 - example.title.count)))
            print(">>> \(example.code)")
            for check in try example.run() {
                total += 1
                let mark = check.passed ? "✓" : "✗"
                let value = check.computed.contains("\n")
                    ? "\n" + check.computed : " " + check.computed
                print("\(check.label) =\(value)  \(mark)")
                if !check.passed {
                    failed += 1
                    print("  expected:\n\(check.expected)")
                }
            }
            print()
        }
        print("\(total - failed) of \(total) published values reproduced" + (failed > 0 ? ", \(failed) differ" : ""))
        if failed > 0 { throw ExitCode.failure }
    }
}
