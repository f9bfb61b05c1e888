import ConvKitCore
import ConvKitFormats
import Foundation

extension Dataset {
    /// Training and test sets from an `.npz` archive (`np.savez(path, x=..., y=...)`).
    ///
    /// - `x` (or `x_train`, the key of Keras's `mnist.npz`): images `(N, H, W)` or
    ///   `(N, H, W, C)`; `uint8` is divided by 255, `float32`/`float64` is taken as is.
    /// - `y` (or `y_train`): integer labels `(N,)` or `(N, 1)`, non-negative.
    /// - `x_test` and `y_test`, optional and together: the test set. Without them the
    ///   images are split by ``holdOutSplit()`` (first 80 % train, last 20 % test).
    ///
    /// Both sets share one class count, the largest label + 1.
    ///
    /// - Throws: ``ConvKitError`` naming the file and key for a missing key, an unsupported
    ///   dtype, a bad rank (a channels-first `(N, C, H, W)` array is recognised and rejected
    ///   with the transpose to use), negative labels, or image and label counts that differ.
    public static func npz(_ url: URL) throws -> (train: Dataset, test: Dataset) {
        let function = "Dataset.npz"
        let arrays: [String: NPYArray]
        do {
            arrays = try NPZ.read(contentsOf: url)
        } catch let error as ConvKitError {
            throw ConvKitError(function, error.reason)
        }
        let source = url.path
        let keys = arrays.keys.sorted().joined(separator: ", ")
        func member(_ candidates: [String]) throws -> (key: String, array: NPYArray) {
            for key in candidates {
                if let array = arrays[key] { return (key, array) }
            }
            throw ConvKitError(
                function,
                "\(source) has no array '\(candidates.joined(separator: "' or '"))' (arrays: \(keys.isEmpty ? "none" : keys))")
        }
        let x = try member(["x", "x_train"])
        let y = try member(["y", "y_train"])
        let images = try npzImages(x.array, key: x.key, source: source)
        let labels = try npzLabels(y.array, key: y.key, source: source)
        let name = url.deletingPathExtension().lastPathComponent
        let hasTest = (arrays["x_test"] != nil, arrays["y_test"] != nil)
        guard hasTest.0 == hasTest.1 else {
            throw ConvKitError(
                function, "\(source) has '\(hasTest.0 ? "x_test" : "y_test")' without '\(hasTest.0 ? "y_test" : "x_test")'")
        }
        var testImages: Tensor<Float>?
        var testLabels = [Int]()
        if let xTest = arrays["x_test"], let yTest = arrays["y_test"] {
            testImages = try npzImages(xTest, key: "x_test", source: source)
            testLabels = try npzLabels(yTest, key: "y_test", source: source)
        }
        let classes = (labels + testLabels).max().map { $0 + 1 } ?? 1
        func dataset(_ images: Tensor<Float>, _ labels: [Int], imageKey: String, labelKey: String, name: String) throws -> Dataset {
            guard images.shape[0] == labels.count else {
                throw ConvKitError(
                    function,
                    "\(source): '\(imageKey)' holds \(images.shape[0]) images but '\(labelKey)' holds \(labels.count) labels")
            }
            return Dataset(unchecked: images, labels: labels, classCount: classes, name: name)
        }
        if let testImages {
            guard Array(testImages.shape.dropFirst()) == Array(images.shape.dropFirst()) else {
                throw ConvKitError(
                    function,
                    "\(source): 'x_test' images are \(shapeString(Array(testImages.shape.dropFirst()))) but '\(x.key)' images are "
                        + "\(shapeString(Array(images.shape.dropFirst())))")
            }
            return (
                try dataset(images, labels, imageKey: x.key, labelKey: y.key, name: "\(name) (train)"),
                try dataset(testImages, testLabels, imageKey: "x_test", labelKey: "y_test", name: "\(name) (test)")
            )
        }
        return try dataset(images, labels, imageKey: x.key, labelKey: y.key, name: name).holdOutSplit()
    }

    /// Training and test sets from a folder of IDX files (``directory(_:)``) or an `.npz`
    /// file (``npz(_:)``), whichever `url` is.
    ///
    /// - Throws: ``ConvKitError`` when `url` is neither, or as the loader it picks.
    public static func load(_ url: URL) throws -> (train: Dataset, test: Dataset) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ConvKitError("Dataset.load", "\(url.path) does not exist; expected a folder of IDX files or an .npz file")
        }
        if isDirectory.boolValue { return try directory(url) }
        guard url.pathExtension.lowercased() == "npz" else {
            throw ConvKitError("Dataset.load", "\(url.path) is a file without the .npz extension; expected a folder of IDX files or an .npz file")
        }
        return try npz(url)
    }

    /// The largest class count a file may imply.
    static let maximumClassCount = 1 << 20

    /// `x` as NHWC floats.
    private static func npzImages(_ array: NPYArray, key: String, source: String) throws -> Tensor<Float> {
        let function = "Dataset.npz"
        let shape = array.shape
        guard shape.count == 3 || shape.count == 4 else {
            throw ConvKitError(
                function, "\(source): '\(key)' has shape \(shapeString(shape)), expected (N, H, W) or (N, H, W, C)")
        }
        if shape.count == 4, [1, 3].contains(shape[1]), ![1, 3, 4].contains(shape[3]) {
            throw ConvKitError(
                function,
                "\(source): '\(key)' has shape \(shapeString(shape)), which looks channels-first (N, C, H, W); "
                    + "ConvKit expects (N, H, W, C): save x.transpose(0, 2, 3, 1)")
        }
        guard shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw ConvKitError(function, "\(source): '\(key)' has shape \(shapeString(shape)): the images are empty")
        }
        let nhwc = shape.count == 4 ? shape : shape + [1]
        switch array {
        case .uint8(let tensor):
            let scale = byteScale
            return Tensor(uncheckedShape: nhwc, scalars: tensor.scalars.map { scale[Int($0)] })
        case .float32(let tensor):
            return Tensor(uncheckedShape: nhwc, scalars: tensor.scalars)
        case .float64(let tensor):
            return Tensor(uncheckedShape: nhwc, scalars: tensor.scalars.map { Float($0) })
        default:
            throw ConvKitError(
                function, "\(source): '\(key)' has dtype \(array.dtype), expected uint8 (divided by 255), float32 or float64")
        }
    }

    /// `y` as class indices.
    private static func npzLabels(_ array: NPYArray, key: String, source: String) throws -> [Int] {
        let function = "Dataset.npz"
        let shape = array.shape
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw ConvKitError(function, "\(source): '\(key)' has shape \(shapeString(shape)), expected (N,) or (N, 1)")
        }
        let labels: [Int]
        switch array {
        case .int32, .int64, .uint8:
            labels = try array.integers().scalars
        default:
            throw ConvKitError(function, "\(source): '\(key)' has dtype \(array.dtype), expected integer labels (int32, int64 or uint8)")
        }
        // Labels are class indices; a huge one would make every per-class array huge.
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= maximumClassCount }) {
            throw ConvKitError(
                function,
                "\(source): '\(key)' holds the label \(labels[index]) at index \(index), expected class indices 0..<\(maximumClassCount)")
        }
        return labels
    }
}
