import ArgumentParser
import ConvKit
import Foundation

/// `convkit predict`: class probabilities for images given as PNG or `.npy`.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Class probabilities of a checkpoint for PNG or .npy images.",
        discussion: """
            PNGs (grey or colour) are converted to grey and resized to the model's input; a light \
            background is inverted to match the training data's dark one. An .npy holds one image \
            (H, W), (H, W, C) or a batch (N, H, W[, C]) scaled like the training data.
            """)

    @Option(help: "A checkpoint written by convkit train.")
    var checkpoint: String

    @Argument(help: "PNG or .npy files.")
    var inputs: [String]

    func run() throws {
        var model = try Checkpoint.read(contentsOf: URL(fileURLWithPath: checkpoint)).trainer.model
        let shape = model.inputShape
        for path in inputs {
            let images = try Self.images(path, shape: shape)
            let count = images.shape[0]
            let size = shape.reduce(1, *)
            // 256 images at a time: the activations of a whole file at once took gigabytes.
            for start in stride(from: 0, to: count, by: 256) {
                let end = min(count, start + 256)
                let batch = try Tensor(shape: [end - start] + shape, scalars: Array(images.scalars[start * size ..< end * size]))
                let probabilities = try SoftmaxCrossEntropy.probabilities(try model.forward(batch, training: false))
                let classes = probabilities.shape.last ?? 0
                for row in 0..<(end - start) {
                    let p = Array(probabilities.scalars[row * classes ..< (row + 1) * classes])
                    let best = p.indices.max { p[$0] < p[$1] } ?? 0
                    let name = count > 1 ? "\(path)[\(start + row)]" : path
                    print("\(name): class \(best) (\(String(format: "%.1f", 100 * p[best]))%)  "
                          + p.enumerated().map { String(format: "%d: %.3f", $0.offset, $0.element) }.joined(separator: "  "))
                }
            }
        }
    }

    /// The images in `path` as a batch `[N] + shape`.
    static func images(_ path: String, shape: [Int]) throws -> Tensor<Float> {
        let url = URL(fileURLWithPath: path)
        if path.lowercased().hasSuffix(".npy") {
            let array = try NPY.read(contentsOf: url).floats(Float.self)
            let batch = array.shape == shape || array.shape == Array(shape.dropLast()) ? [1] + shape : [-1] + shape
            do {
                return try array.reshaped(batch)
            } catch {
                throw CommandFailure("\(path) holds \(array.shape) but the model takes images of \(shape)")
            }
        }
        guard shape.count == 3, shape[2] == 1 else {
            throw CommandFailure("\(path): PNG input needs a model of grey images, this one takes \(shape)")
        }
        let image = try PNGImage.read(contentsOf: url)
        let grey = try image.toGrayFloats(width: shape[1], height: shape[0])
        // The training sets draw light strokes on a dark ground: invert a light picture.
        return grey.mean() > 0.5 ? grey.map { 1 - $0 } : grey
    }
}
