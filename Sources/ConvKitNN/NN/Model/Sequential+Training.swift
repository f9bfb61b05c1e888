import ConvKitCore
extension Sequential {
    /// One training step on a batch: zero the gradients, forward in training mode, softmax
    /// cross-entropy against `labels`, backward, and the optimiser's update.
    ///
    /// Shapes: images `[N] + inputShape`, labels `N` classes in `0..<K` where the model's output
    /// is `[K]`.
    /// - Returns: the batch's mean loss (before the update) and how many images it classified right.
    /// - Throws: ``ConvKitError`` for a wrong shape or label.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        _ images: Tensor<Scalar>, labels: [Int], optimizer: inout O
    ) throws -> (loss: Double, correct: Int) where O.Scalar == Scalar {
        zeroGradients()
        let logits = try forward(images, training: true)
        let (loss, gradient) = try SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: labels)
        let correct = try SoftmaxCrossEntropy.correctCount(logits: logits, labels: labels)
        try backward(gradient)
        try optimizer.step(&self)
        return (loss, correct)
    }
}

extension Sequential {
    /// The mean loss and the accuracy over a whole set, in evaluation mode, `batchSize` images at
    /// a time (the model's caches are left empty; its parameters and statistics do not change).
    ///
    /// Shapes: images `[M] + inputShape`, labels `M` classes in `0..<K`.
    /// - Throws: ``ConvKitError`` for a wrong shape or label, or `batchSize < 1`.
    public func evaluate(
        _ images: Tensor<Scalar>, labels: [Int], batchSize: Int = 256
    ) throws -> (loss: Double, accuracy: Double) {
        guard batchSize >= 1 else {
            throw ConvKitError("Sequential.evaluate", "batchSize must be at least 1, got \(batchSize)")
        }
        guard images.rank >= 1, images.shape[0] == labels.count, !labels.isEmpty else {
            throw ConvKitError(
                "Sequential.evaluate",
                "\(labels.count) labels for images \(shapeString(images.shape)): expected one label per image")
        }
        var copy = self
        var (totalLoss, correct) = (0.0, 0)
        for start in stride(from: 0, to: labels.count, by: batchSize) {
            let range = start ..< min(start + batchSize, labels.count)
            let logits = try copy.forward(try images.slice(range), training: false)
            let batchLabels = Array(labels[range])
            totalLoss += try SoftmaxCrossEntropy.loss(logits: logits, labels: batchLabels) * Double(range.count)
            correct += try SoftmaxCrossEntropy.correctCount(logits: logits, labels: batchLabels)
        }
        return (totalLoss / Double(labels.count), Double(correct) / Double(labels.count))
    }
}
