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
