import ConvKitCore
/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix for `classes` classes.
    public init(classes: Int) {
        counts = Array(repeating: Array(repeating: 0, count: max(classes, 0)), count: max(classes, 0))
    }

    /// Adds one prediction; pairs outside the classes are ignored.
    public mutating func add(truth: Int, prediction: Int) {
        guard counts.indices.contains(truth), counts.indices.contains(prediction) else { return }
        counts[truth][prediction] += 1
    }

    /// The share of predictions on the diagonal (0 for an empty matrix).
    public var accuracy: Double {
        let total = counts.joined().reduce(0, +)
        let right = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        return total == 0 ? 0 : Double(right) / Double(total)
    }

    /// A table with the true class down and the predicted class across.
    public var description: String {
        let width = max(3, String(counts.joined().max() ?? 0).count + 1)
        let pad = { (text: String) in String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["true\\pred " + counts.indices.map { pad(String($0)) }.joined()]
        for (truth, row) in counts.enumerated() {
            lines.append(pad(String(truth)) + String(repeating: " ", count: 10 - width) + row.map { pad(String($0)) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

extension Sequential {
    /// The confusion matrix of the model's predictions on `images` (evaluation mode).
    ///
    /// - Throws: ``ConvKitError`` when the images do not fit the model or labels and images differ in number.
    public func confusionMatrix(_ images: Tensor<Scalar>, labels: [Int], classes: Int, batchSize: Int = 256) throws -> ConfusionMatrix {
        guard images.rank >= 1, images.shape[0] == labels.count else {
            throw ConvKitError(
                "Sequential.confusionMatrix", "\(labels.count) labels for images \(shapeString(images.shape))")
        }
        var model = self
        var matrix = ConfusionMatrix(classes: classes)
        for start in stride(from: 0, to: labels.count, by: max(batchSize, 1)) {
            let range = start ..< min(start + max(batchSize, 1), labels.count)
            let predictions = try SoftmaxCrossEntropy.predictions(try model.forward(try images.slice(range), training: false))
            for (truth, prediction) in zip(labels[range], predictions) { matrix.add(truth: truth, prediction: prediction) }
        }
        return matrix
    }
}
