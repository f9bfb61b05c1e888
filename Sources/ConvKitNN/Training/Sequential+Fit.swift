import ConvKitCore
extension Sequential {
    /// Checks that the model takes `data`'s images and has an output for each of its classes.
    ///
    /// - Throws: ``ConvKitError`` naming `source` and both shapes otherwise.
    public func checkFits(_ data: Dataset, source: String) throws {
        let show = { (shape: [Int]) in shape.map(String.init).joined(separator: "x") }
        guard inputShape == data.imageShape else {
            throw ConvKitError(
                "train", "the model takes \(show(inputShape)) images but \(source) has \(show(data.imageShape)) images")
        }
        let outputs = outputShape.reduce(1, *)
        guard data.classCount <= outputs else {
            throw ConvKitError("train", "\(source) has \(data.classCount) classes but the model has \(outputs) outputs")
        }
    }
}
