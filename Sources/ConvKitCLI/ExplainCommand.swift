import ArgumentParser
import ConvKit
import Foundation

/// `convkit explain`: a step of the course drawn as figures, from exactly the course's inputs.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Draw a step of the course as PNG figures (viridis, colour bar, every value of small arrays), animations and pages.",
        discussion: "Steps: \(CourseStep.allCases.map(\.rawValue).joined(separator: ", ")), or all. The inputs are the course's own draws, as in convkit demo.")

    @Argument(help: "The step: \(CourseStep.allCases.map(\.rawValue).joined(separator: ", ")), or all.")
    var step: String

    @Option(help: "Output folder.")
    var out: String = "explain"

    @Option(help: "The seed of the random inputs; the course's, 1, by default (every number drawn is then one the course prints).")
    var seed: UInt32 = CourseFigures.courseSeed

    @Flag(help: "Also write STEP.html (self-contained: Previous, Next, Play through the loops; #step=N opens step N) and index.html.")
    var html = false

    func run() throws {
        let steps: [CourseStep]
        if step == "all" {
            steps = CourseStep.allCases
        } else if let chosen = CourseStep(rawValue: step) {
            steps = [chosen]
        } else {
            throw CommandFailure("unknown step '\(step)'; the steps are \(CourseStep.allCases.map(\.rawValue).joined(separator: ", ")), or all")
        }
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the output folder \(out): \(error.localizedDescription)")
        }
        for chosen in steps {
            let figures = try CourseFigures.figures(for: chosen, seed: seed)
            for (name, figure) in figures {
                let file = folder.appendingPathComponent("\(name).png")
                try figure.render().write(to: file)
                print("wrote \(file.path)")
            }
            let animations = try CourseFigures.animations(for: chosen, seed: seed)
            for (name, frames) in animations {
                let file = folder.appendingPathComponent("\(name).png")
                try PNGImage.writeAnimation(frames.map { $0.render() }, delayMilliseconds: 900, to: file)
                print("wrote \(file.path) (animated, \(frames.count) frames)")
            }
            if html {
                let frames = animations.isEmpty ? figures.map(\.figure) : animations.flatMap(\.frames)
                let file = folder.appendingPathComponent("\(chosen.rawValue).html")
                try AtomicFile.write(Data(try ExplainPage.html(title: chosen.rawValue, frames: frames).utf8), to: file, function: "explain")
                print("wrote \(file.path)")
            }
        }
        if html {
            // The pages in the folder, from this run or an earlier one.
            let pages = CourseStep.allCases.map { ($0.rawValue, "\($0.rawValue).html") }.filter {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.1).path)
            }
            let index = ExplainPage.index(pages)
            try AtomicFile.write(Data(index.utf8), to: folder.appendingPathComponent("index.html"), function: "explain")
        }
    }
}
