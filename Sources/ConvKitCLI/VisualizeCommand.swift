import ArgumentParser
import ConvKit
import Foundation

/// `convkit visualize`: pictures of what a trained network does.
struct VisualizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visualize",
        abstract: "PNGs of the first layer's filters, every conv layer's feature maps and the course's zero padding (viridis, titles, colour bars).")

    @Option(help: "A checkpoint written by convkit train.")
    var checkpoint: String

    @Option(help: "The data whose first test image is shown (default: the embedded digits).")
    var data: String?

    @Option(help: "Output folder.")
    var out: String = "visualize"

    func run() throws {
        let model = try Checkpoint.read(contentsOf: URL(fileURLWithPath: checkpoint)).trainer.model
        let test = try TrainingData.load(data).test
        try model.checkFits(test, source: data ?? "the embedded digits")
        let folder = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the output folder \(out): \(error.localizedDescription)")
        }
        var written: [String] = []
        func write(_ image: PNGImage, _ name: String) throws {
            try image.write(to: folder.appendingPathComponent(name))
            written.append(name)
        }

        if let filters = model.filterFigure() { try write(filters.render(), "filters.png") }

        // The first test image, then what every conv layer makes of it.
        let image = try test.images.slice(0 ..< 1).reshaped(Array(test.images.shape.dropFirst()))
        let input = MatrixFigure(title: "input: test image 0", panels: (0..<image.shape[2]).map {
            .init(title: "channel \($0)", values: MatrixFigure.plane(image, channel: $0))
        })
        try write(input.render(), "input.png")
        for (index, figure) in try model.featureMapFigures(for: image) {
            try write(figure.render(), "featuremaps-\(index)-conv.png")
        }

        // The course's zero_pad picture, as convkit explain zero-pad draws it.
        if let zeroPad = try CourseFigures.figures(for: .zeroPad).first?.figure { try write(zeroPad.render(), "zero-padding.png") }
        print("wrote " + written.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))
    }
}
