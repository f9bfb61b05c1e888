import ArgumentParser
import ConvKit
import Foundation

/// `convkit visualize`: pictures of what a trained network does.
struct VisualizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visualize",
        abstract: "PNGs of the first layer's filters, every conv layer's feature maps and the course's zero padding.")

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

        // The first conv layer's filters, one tile per (output channel, input channel).
        if let first = model.layers.lazy.compactMap({ $0 as? Conv2D<Float> }).first {
            let w = first.weight  // (R, S, C, K)
            let (r, s, c, k) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
            let tiles = try w.reshaped([r * s, c * k]).transposed([1, 0]).reshaped([c * k, r, s])
            try write(try PNGImage.grid(tiles, columns: k, scale: max(1, 96 / max(r, s)), spacing: 2), "filters.png")
        }

        // Every conv layer's feature maps for the first test image.
        var x = try test.images.slice(0 ..< 1)
        let image = try x.reshaped(Array(x.shape.dropFirst()))
        try write(try PNGImage(grayscale: image.channels(0), scale: max(1, 224 / max(image.shape[0], 1))), "input.png")
        for (index, layer) in model.layers.enumerated() {
            var current = layer
            x = try current.forward(x, training: false)
            guard layer is Conv2D<Float> else { continue }
            let (h, w, k) = (x.shape[1], x.shape[2], x.shape[3])
            let maps = try x.reshaped([h * w, k]).transposed([1, 0]).reshaped([k, h, w])
            try write(try PNGImage.grid(maps, scale: max(1, 96 / max(h, w)), spacing: 2), "featuremaps-\(index)-conv.png")
        }

        // The course's zero_pad picture, with the course's data: np.random.seed(1);
        // x = np.random.randn(4, 3, 3, 2); x_pad = zero_pad(x, 3); x[1, :, :, 0] beside x_pad[1, :, :, 0].
        var rng = NumPyRandomState(seed: 1)
        let course = try rng.randn(4, 3, 3, 2)
        let coursePadded = try zeroPad(course, pad: 3)
        let limit = try course.map(abs).max()
        let range = -limit...limit
        let left = try PNGImage(grayscale: try course.slice(1).map(Float.init).channels(0), scale: 40, range: range)
        let right = try PNGImage(grayscale: try coursePadded.slice(1).map(Float.init).channels(0), scale: 40, range: range)
        try write(try PNGImage.sideBySide([left, right], captions: ["x[1, :, :, 0]", "x_pad[1, :, :, 0]"]), "zero-padding.png")
        print("wrote " + written.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))
    }
}

extension Tensor where Scalar == Float {
    /// Channel `c` of an (H, W, C) image, as (H, W).
    func channels(_ c: Int) throws -> Tensor<Float> {
        let (h, w, channels) = (shape[0], shape[1], shape[2])
        return try Tensor(shape: [h, w], scalars: (0..<(h * w)).map { scalars[$0 * channels + c] })
    }
}
