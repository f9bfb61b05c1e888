import ConvKitCore
/// A labelled image-classification data set held in memory.
///
/// ```swift
/// let (train, test) = try Dataset.digitsSplit()        // 1438 + 359 images of 8×8×1
/// let mnist = try Dataset.directory(URL(fileURLWithPath: "data/mnist"))
/// print(train.images.shape, train.labels.prefix(5), train.classCount)   // [1438, 8, 8, 1] …
/// ```
public struct Dataset: Sendable, Equatable {
    /// The images, `[N, H, W, C]` (NHWC), usually scaled to 0...1.
    public let images: Tensor<Float>
    /// The class of each image, `N` values in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes, at least 1.
    public let classCount: Int
    /// A short description for messages and reports, e.g. `"digits (train)"`.
    public var name: String

    /// Creates a data set, checking that images and labels agree.
    ///
    /// - Throws: ``ConvKitError`` when `images` is not `[N, H, W, C]` with `H`, `W`, `C` at
    ///   least 1, `labels.count != N`, `classCount < 1` or a label is outside `0..<classCount`.
    public init(images: Tensor<Float>, labels: [Int], classCount: Int, name: String) throws {
        let function = "Dataset.init"
        guard images.rank == 4, images.shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw ConvKitError(
                function, "images has shape \(shapeString(images.shape)), expected [N, H, W, C] with H, W, C ≥ 1 (dataset '\(name)')")
        }
        guard labels.count == images.shape[0] else {
            throw ConvKitError(
                function, "\(labels.count) labels for \(images.shape[0]) images of shape \(shapeString(images.shape)) (dataset '\(name)')")
        }
        guard classCount >= 1 else {
            throw ConvKitError(function, "classCount \(classCount) must be at least 1 (dataset '\(name)')")
        }
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw ConvKitError(
                function, "label \(labels[index]) of image \(index) is outside 0..<\(classCount) (dataset '\(name)')")
        }
        self.init(unchecked: images, labels: labels, classCount: classCount, name: name)
    }

    /// For callers that have validated the parts.
    init(unchecked images: Tensor<Float>, labels: [Int], classCount: Int, name: String) {
        self.images = images
        self.labels = labels
        self.classCount = classCount
        self.name = name
    }

    /// The number of images, `N`.
    public var count: Int { images.shape[0] }
    /// The image height, `H`.
    public var height: Int { images.shape[1] }
    /// The image width, `W`.
    public var width: Int { images.shape[2] }
    /// The channels per pixel, `C`.
    public var channels: Int { images.shape[3] }
    /// The shape of one image, `[H, W, C]`.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// How many images each class has, indexed by class.
    public var classHistogram: [Int] {
        var histogram = [Int](repeating: 0, count: classCount)
        for label in labels { histogram[label] += 1 }
        return histogram
    }

    /// The images at `indices`, in that order (repeats allowed), with the same class count.
    ///
    /// - Parameter name: the new set's name; by default the old one.
    /// - Throws: ``ConvKitError`` when an index is outside `0..<count`.
    public func subset(_ indices: [Int], name: String? = nil) throws -> Dataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw ConvKitError(
                "Dataset.subset", "index \(bad) is out of range for the \(count) images of '\(self.name)'")
        }
        let size = height * width * channels
        var scalars = [Float]()
        scalars.reserveCapacity(indices.count * size)
        for index in indices {
            scalars += images.scalars[index * size ..< (index + 1) * size]
        }
        return Dataset(
            unchecked: Tensor(uncheckedShape: [indices.count] + imageShape, scalars: scalars),
            labels: indices.map { labels[$0] }, classCount: classCount, name: name ?? self.name)
    }

    /// The first `trainCount` images as the training set and the rest as the test set,
    /// named `"<name> (train)"` and `"<name> (test)"`.
    ///
    /// - Throws: ``ConvKitError`` when `trainCount` is outside `0...count`.
    public func split(trainCount: Int) throws -> (train: Dataset, test: Dataset) {
        guard trainCount >= 0, trainCount <= count else {
            throw ConvKitError(
                "Dataset.split", "trainCount \(trainCount) is outside 0...\(count), the image count of '\(name)'")
        }
        let train = try subset(Array(0..<trainCount), name: "\(name) (train)")
        let test = try subset(Array(trainCount..<count), name: "\(name) (test)")
        return (train, test)
    }

    /// The split used when a source has no separate test set: the first 80 % (rounded up)
    /// train, the last 20 % test; for MNIST's 10,000 test images, 0–7999 and 8000–9999 as in
    /// the PyTorch reference script.
    public func holdOutSplit() throws -> (train: Dataset, test: Dataset) {
        try split(trainCount: count - count / 5)
    }
}
