import ConvKitCore
import ConvKitFormats
import Foundation

extension Dataset {
    /// The UCI handwritten digits embedded in ConvKit: 1797 images of 8×8×1 pixels, values
    /// 0–16 divided by 16, ten classes (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0; the copy
    /// scikit-learn distributes).
    ///
    /// - Throws: ``ConvKitError`` when the resource cannot be found next to the executable
    ///   or in the package (a binary copied without its `ConvKit_ConvKitNN.resources` folder).
    public static func digits() throws -> Dataset {
        try digits(csv: digitsResourceURL())
    }

    /// The digits split like the PyTorch reference script (`bench/pytorch_train.py` of the shared folder):
    /// rows whose index % 5 == 4 are the test set (359 images), the others train (1438).
    ///
    /// - Throws: ``ConvKitError`` as ``digits()``.
    public static func digitsSplit() throws -> (train: Dataset, test: Dataset) {
        try digits().everyFifthSplit()
    }

    /// Digits in the embedded file's layout from another file: per row 64 comma-separated
    /// pixel values 0–16, then the label 0–9; gzipped or not.
    ///
    /// - Throws: ``ConvKitError`` naming the file and line for a malformed row.
    public static func digits(csv url: URL) throws -> Dataset {
        let function = "Dataset.digits"
        let data = try FileInput.read(url, function: function)
        return try digits(csvData: data, source: url.path, name: "digits")
    }

    /// The split of ``digitsSplit()``: index % 5 == 4 is test.
    func everyFifthSplit() throws -> (train: Dataset, test: Dataset) {
        let indices = Array(0..<count)
        let train = try subset(indices.filter { $0 % 5 != 4 }, name: "\(name) (train)")
        let test = try subset(indices.filter { $0 % 5 == 4 }, name: "\(name) (test)")
        return (train, test)
    }

    /// Where the embedded `digits.csv.gz` is. SwiftPM's generated `Bundle.module` stops the
    /// program with `fatalError` when its bundle is missing, so the same places are searched
    /// here first and a missing file becomes a thrown error.
    static func digitsResourceURL() throws -> URL {
        let bundleName = "ConvKit_ConvKitNN.resources"
        var candidates = [Bundle.main.bundleURL.appendingPathComponent(bundleName)]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        // Built from a checkout: the build directories and the resource in the source tree.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let package = sources.deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            candidates.append(package.appendingPathComponent(".build/\(configuration)/\(bundleName)"))
        }
        candidates.append(sources.appendingPathComponent("Resources"))
        return try locate("digits.csv.gz", in: candidates)
    }

    /// The first readable `name` in `folders`.
    ///
    /// - Throws: ``ConvKitError`` listing the folders when none has it.
    static func locate(_ name: String, in folders: [URL]) throws -> URL {
        let files = folders.map { $0.appendingPathComponent(name) }
        if let found = files.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) {
            return found
        }
        throw ConvKitError(
            "Dataset.digits",
            "the embedded \(name) is missing (looked in \(folders.map(\.path).joined(separator: ", "))); "
                + "copy ConvKit_ConvKitNN.resources next to the executable or use Dataset.digits(csv:)")
    }

    /// Parses the digits CSV (gzipped or plain).
    static func digits(csvData: Data, source: String, name: String) throws -> Dataset {
        let function = "Dataset.digits"
        var text = csvData
        if Gzip.isGzip(csvData) {
            do {
                text = try Gzip.inflate(csvData, source: source, limit: 1 << 28)
            } catch let error as ConvKitError {
                throw ConvKitError(function, error.reason)
            }
        }
        let pixelCount = 64
        var pixels = [Float]()
        var labels = [Int]()
        var lineNumber = 0
        var fields = [Double]()
        var field = [UInt8]()
        func failure(_ reason: String) -> ConvKitError {
            ConvKitError(function, "\(source) line \(lineNumber): \(reason)")
        }
        func finishField() throws {
            let string = String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard let value = Double(string), value.isFinite else {
                throw failure("field \(fields.count + 1) is '\(string)', expected a number")
            }
            fields.append(value)
            field.removeAll(keepingCapacity: true)
        }
        func finishLine() throws {
            defer { fields.removeAll(keepingCapacity: true) }
            guard fields.count == pixelCount + 1 else {
                throw failure("\(fields.count) fields, expected \(pixelCount) pixels and a label")
            }
            for (column, value) in fields.prefix(pixelCount).enumerated() where !(0...16).contains(value) {
                throw failure("pixel \(column + 1) is \(value), expected 0...16")
            }
            let label = fields[pixelCount]
            guard label == label.rounded(), (0...9).contains(label) else {
                throw failure("the label is \(label), expected an integer 0...9")
            }
            // numpy divides in float64, then rounds to float32.
            pixels += fields.prefix(pixelCount).map { Float($0 / 16) }
            labels.append(Int(label))
        }
        for byte in text + [0x0a] {
            switch byte {
            case UInt8(ascii: ","):
                try finishField()
            case 0x0a:
                lineNumber += 1
                let blank = fields.isEmpty && field.allSatisfy { $0 == 0x20 || $0 == 0x0d || $0 == 0x09 }
                if blank {
                    field.removeAll(keepingCapacity: true)
                    continue
                }
                try finishField()
                try finishLine()
            case 0x0d:
                continue
            default:
                field.append(byte)
            }
        }
        guard !labels.isEmpty else {
            throw ConvKitError(function, "\(source) holds no rows")
        }
        return Dataset(
            unchecked: Tensor(uncheckedShape: [labels.count, 8, 8, 1], scalars: pixels),
            labels: labels, classCount: 10, name: name)
    }
}
