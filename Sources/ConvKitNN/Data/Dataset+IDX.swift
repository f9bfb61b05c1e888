import ConvKitCore
import Foundation

extension Dataset {
    /// `Float(Double(byte) / 255)` for every byte: numpy's `(x / 255.0).astype(np.float32)`.
    static let byteScale: [Float] = (0...255).map { Float(Double($0) / 255) }

    /// Images and labels from a pair of IDX files (MNIST's format; see the file names of
    /// ``directory(_:)``), raw or gzipped. Pixels are divided by 255; images are `[N, rows, columns, 1]`.
    ///
    /// - Parameters:
    ///   - classCount: the number of classes; by default the largest label + 1.
    ///   - name: the data set's name; by default the images file's name up to `-images`.
    /// - Throws: ``ConvKitError`` naming the file when one is unreadable or malformed, or when
    ///   the counts of images and labels differ.
    public static func idx(images: URL, labels: URL, classCount: Int? = nil, name: String? = nil) throws -> Dataset {
        let function = "Dataset.idx"
        let imageFile = try IDXFile.read(contentsOf: images, rank: 3, role: "images", function: function)
        let labelFile = try IDXFile.read(contentsOf: labels, rank: 1, role: "labels", function: function)
        guard imageFile.dimensions[0] == labelFile.dimensions[0] else {
            throw ConvKitError(
                function,
                "\(images.path) holds \(imageFile.dimensions[0]) images but \(labels.path) holds \(labelFile.dimensions[0]) labels")
        }
        let (count, rows, columns) = (imageFile.dimensions[0], imageFile.dimensions[1], imageFile.dimensions[2])
        guard rows >= 1, columns >= 1 else {
            throw ConvKitError(function, "images file \(images.path): images of \(rows)×\(columns) pixels are empty")
        }
        let labelValues = labelFile.bytes.map(Int.init)
        let classes = classCount ?? ((labelValues.max() ?? 0) + 1)
        let defaultName = images.lastPathComponent.components(separatedBy: "-images").first ?? "idx"
        let scale = byteScale
        return try Dataset(
            images: Tensor(uncheckedShape: [count, rows, columns, 1], scalars: imageFile.bytes.map { scale[Int($0)] }),
            labels: labelValues, classCount: classes, name: name ?? defaultName)
    }

    /// Training and test sets from a folder of IDX files, like the MNIST or Fashion-MNIST
    /// downloads: `train-images-idx3-ubyte` + `train-labels-idx1-ubyte` and/or
    /// `t10k-images-idx3-ubyte` + `t10k-labels-idx1-ubyte`, each optionally `.gz` (`.idx3-ubyte`
    /// with a dot is accepted too; an uncompressed file wins over its `.gz`).
    ///
    /// With both pairs, `train` and `t10k` are the training and test sets. With only one pair
    /// (e.g. just MNIST's 10,000 test images), it is split by ``holdOutSplit()``: images
    /// 0–7999 train and 8000–9999 test, as in the PyTorch reference script. Both sets share
    /// one class count (the largest label + 1).
    ///
    /// - Throws: ``ConvKitError`` naming the folder and the expected file names when no pair
    ///   is found or one file of a pair is missing, and any error of ``idx(images:labels:classCount:name:)``.
    public static func directory(_ url: URL) throws -> (train: Dataset, test: Dataset) {
        let function = "Dataset.directory"
        let expected = "train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] and/or "
            + "t10k-images-idx3-ubyte[.gz] + t10k-labels-idx1-ubyte[.gz]"
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        } catch {
            throw ConvKitError(function, "cannot list the folder \(url.path): \(error.localizedDescription); expected \(expected)")
        }
        // prefix -> (images file, labels file)
        var pairs = [String: (images: String?, labels: String?)]()
        for name in names {
            for (role, marker) in [("images", "-images"), ("labels", "-labels")] {
                let suffixes = role == "images"
                    ? ["-idx3-ubyte", ".idx3-ubyte", "-idx3-ubyte.gz", ".idx3-ubyte.gz"]
                    : ["-idx1-ubyte", ".idx1-ubyte", "-idx1-ubyte.gz", ".idx1-ubyte.gz"]
                for suffix in suffixes where name.hasSuffix(marker + suffix) {
                    let prefix = String(name.dropLast(marker.count + suffix.count))
                    var pair = pairs[prefix] ?? (nil, nil)
                    // Prefer the uncompressed file: it reads faster and is what `gunzip` leaves behind.
                    if role == "images" {
                        if pair.images == nil || pair.images?.hasSuffix(".gz") == true { pair.images = name }
                    } else {
                        if pair.labels == nil || pair.labels?.hasSuffix(".gz") == true { pair.labels = name }
                    }
                    pairs[prefix] = pair
                }
            }
        }
        guard !pairs.isEmpty else {
            throw ConvKitError(function, "the folder \(url.path) has no IDX files; expected \(expected)")
        }
        var complete = [String: (images: URL, labels: URL)]()
        for (prefix, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            guard let images = pair.images, let labels = pair.labels else {
                let missing = pair.images == nil ? "\(prefix)-images-idx3-ubyte[.gz]" : "\(prefix)-labels-idx1-ubyte[.gz]"
                throw ConvKitError(
                    function, "the folder \(url.path) has \(pair.images ?? pair.labels ?? prefix) but not \(missing)")
            }
            complete[prefix] = (url.appendingPathComponent(images), url.appendingPathComponent(labels))
        }
        func isTrain(_ prefix: String) -> Bool { prefix.hasSuffix("train") }
        func isTest(_ prefix: String) -> Bool { prefix.hasSuffix("t10k") || prefix.hasSuffix("test") }
        let trainPrefixes = complete.keys.filter(isTrain).sorted()
        let testPrefixes = complete.keys.filter(isTest).sorted()
        let folderName = url.lastPathComponent
        if trainPrefixes.count == 1, testPrefixes.count == 1, complete.count == 2,
           let trainPair = complete[trainPrefixes[0]], let testPair = complete[testPrefixes[0]] {
            let train = try idx(images: trainPair.images, labels: trainPair.labels, name: "\(folderName) (train)")
            let test = try idx(images: testPair.images, labels: testPair.labels, name: "\(folderName) (test)")
            let classes = max(train.classCount, test.classCount)
            return (
                Dataset(unchecked: train.images, labels: train.labels, classCount: classes, name: train.name),
                Dataset(unchecked: test.images, labels: test.labels, classCount: classes, name: test.name)
            )
        }
        guard complete.count == 1, let only = complete.first else {
            throw ConvKitError(
                function,
                "the folder \(url.path) has IDX pairs \(complete.keys.sorted().joined(separator: ", ")); "
                    + "expected one train and one t10k (or test) pair, or a single pair to split")
        }
        return try idx(images: only.value.images, labels: only.value.labels, name: "\(folderName) \(only.key)")
            .holdOutSplit()
    }
}
