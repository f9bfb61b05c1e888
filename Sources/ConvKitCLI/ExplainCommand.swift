import ArgumentParser
import ConvKit
import Foundation

/// `convkit explain`: a step of the course drawn as figures, from exactly the course's inputs.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Draw a step of the course as PNG figures (viridis, colour bar, every value of small arrays).",
        discussion: "Steps: \(CourseStep.allCases.map(\.rawValue).joined(separator: ", ")). The inputs are the course's own draws, as in convkit demo.")

    @Argument(help: "The step: \(CourseStep.allCases.map(\.rawValue).joined(separator: ", ")).")
    var step: String

    @Option(help: "Output folder.")
    var out: String = "explain"

    func run() throws {
        guard let chosen = CourseStep(rawValue: step) else {
            throw CommandFailure("unknown step '\(step)'; the steps are \(CourseStep.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let figures = try CourseFigures.figures(for: chosen)
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the output folder \(out): \(error.localizedDescription)")
        }
        for (name, figure) in figures {
            let file = folder.appendingPathComponent("\(name).png")
            try figure.render().write(to: file)
            print("wrote \(file.path)")
        }
        for (name, frames) in try CourseFigures.animations(for: chosen) {
            let file = folder.appendingPathComponent("\(name).png")
            try PNGImage.writeAnimation(frames.map { $0.render() }, delayMilliseconds: 900, to: file)
            print("wrote \(file.path) (animated, \(frames.count) frames)")
        }
    }
}
