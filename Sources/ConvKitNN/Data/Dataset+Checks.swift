import ConvKitCore
extension Dataset {
    /// Checks, before any training, that two sets can serve as a training set and its test set:
    /// each holds at least one image, both hold images of one shape and the same classes, and
    /// every pixel is finite. (Labels are checked against each set's classes when it is made.)
    ///
    /// - Throws: ``ConvKitError`` naming `function` and the set at fault.
    public static func checkSplits(train: Dataset, test: Dataset, function: String) throws {
        for set in [train, test] where set.count == 0 {
            throw ConvKitError(function, "'\(set.name)' holds no image; a training run needs at least one in each split")
        }
        guard train.imageShape == test.imageShape else {
            throw ConvKitError(
                function, "'\(train.name)' holds \(shapeString(train.imageShape)) images but '\(test.name)' holds "
                    + "\(shapeString(test.imageShape)) images")
        }
        guard train.classCount == test.classCount else {
            throw ConvKitError(
                function, "'\(train.name)' has \(train.classCount) classes but '\(test.name)' has \(test.classCount); "
                    + "labels must mean the same in both splits")
        }
        for set in [train, test] {
            if let index = set.images.scalars.firstIndex(where: { !$0.isFinite }) {
                let size = set.imageShape.reduce(1, *)
                throw ConvKitError(
                    function, "image \(index / size) of '\(set.name)' holds \(set.images.scalars[index]) "
                        + "(element \(index % size)); every value must be finite")
            }
        }
    }
}
