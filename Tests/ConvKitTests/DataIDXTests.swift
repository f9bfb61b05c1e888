import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// IDX files (MNIST's format) and folders of them, against numpy-written fixtures and the
/// shared MNIST test set.
@Suite struct DataIDXTests {
    static let idx = FormatTestSupport.fixture("data/idx")
    static let expected = (try? NPZ.read(contentsOf: idx.appendingPathComponent("expected.npz"))) ?? [:]
    static let mnist = FormatTestSupport.sharedData.appendingPathComponent("mnist")

    static func labels(_ key: String) throws -> [Int] { try NPZ.member(key, of: expected).integers().scalars }

    /// The bytes of an IDX file with the given header fields.
    static func file(type: UInt8 = 8, dimensions: [UInt32], data: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for d in dimensions { bytes += [UInt8(d >> 24), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        return Data(bytes + data)
    }

    @Test func readsAPairOfFilesRawOrGzipped() throws {
        let folder = Self.idx.appendingPathComponent("pair")
        let train = try Dataset.idx(
            images: folder.appendingPathComponent("train-images-idx3-ubyte"),
            labels: folder.appendingPathComponent("train-labels-idx1-ubyte.gz"))
        #expect(train.images == (try FormatTestSupport.floats(Self.expected, "train_x").reshaped([6, 4, 3, 1])))
        #expect(train.labels == (try Self.labels("train_y")))
        #expect(train.classCount == 10 && train.name == "train")
        let fixed = try Dataset.idx(
            images: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"),
            labels: folder.appendingPathComponent("t10k-labels-idx1-ubyte"), classCount: 12, name: "t")
        #expect(fixed.classCount == 12 && fixed.name == "t")
    }

    @Test func findsTrainAndTestPairsInAFolder() throws {
        let (train, test) = try Dataset.directory(Self.idx.appendingPathComponent("pair"))
        #expect(train.labels == (try Self.labels("train_y")))
        #expect(test.labels == (try Self.labels("test_y")))
        #expect(test.images == (try FormatTestSupport.floats(Self.expected, "test_x").reshaped([3, 4, 3, 1])))
        #expect(train.classCount == 10 && test.classCount == 10)
        #expect(train.name == "pair (train)" && test.name == "pair (test)")
        #expect(try Dataset.load(Self.idx.appendingPathComponent("pair")).train == train)
    }

    @Test func splitsALonePairLikeThePyTorchScript() throws {
        let (train, test) = try Dataset.directory(Self.idx.appendingPathComponent("t10k-only"))
        let all = try FormatTestSupport.floats(Self.expected, "only_x").reshaped([10, 5, 2, 1])
        #expect(train.images == (try all.slice(0..<8)))
        #expect(test.images == (try all.slice(8..<10)))
        #expect(train.labels == [9, 8, 7, 6, 5, 4, 3, 2] && test.labels == [1, 0])
        #expect(train.name == "t10k-only t10k (train)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnist.path), "../shared/data/mnist is absent: the MNIST check needs the shared data"))
    func splitsTheSharedMNISTTestSetLikeThePyTorchScript() throws {
        let (train, test) = try Dataset.directory(Self.mnist)
        #expect(train.images.shape == [8000, 28, 28, 1] && test.images.shape == [2000, 28, 28, 1])
        #expect(train.classCount == 10)
        let reference = try NPZ.read(contentsOf: FormatTestSupport.fixture("data/mnist_expected.npz"))
        #expect(Array(train.labels.prefix(64)) == (try NPZ.member("train_y_head", of: reference).integers().scalars))
        #expect(test.labels == (try NPZ.member("test_y", of: reference).integers().scalars))
        #expect(try train.images.slice(0) == FormatTestSupport.floats(reference, "train_first"))
        #expect(try test.images.slice(0) == FormatTestSupport.floats(reference, "test_first"))
        let trainSum = train.images.scalars.reduce(0.0) { $0 + Double($1) }
        let expectedSum = try NPZ.member("train_sum", of: reference).floats(Double.self).scalars[0]
        #expect(abs(trainSum - expectedSum) < 1e-6 * expectedSum)
    }

    @Test func explainsWhatAFolderLacks() throws {
        let folder = try FormatTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = folder.path
        let expected = "train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] and/or t10k-images-idx3-ubyte[.gz] + t10k-labels-idx1-ubyte[.gz]"
        #expect(FormatTestSupport.message { try Dataset.directory(folder) } == "Dataset.directory: the folder \(p) has no IDX files; expected \(expected)")
        let source = Self.idx.appendingPathComponent("pair")
        try FileManager.default.copyItem(at: source.appendingPathComponent("train-images-idx3-ubyte"), to: folder.appendingPathComponent("train-images-idx3-ubyte"))
        #expect(FormatTestSupport.message { try Dataset.directory(folder) }
            == "Dataset.directory: the folder \(p) has train-images-idx3-ubyte but not train-labels-idx1-ubyte[.gz]")
        try FileManager.default.copyItem(at: source.appendingPathComponent("train-labels-idx1-ubyte.gz"), to: folder.appendingPathComponent("train-labels.idx1-ubyte.gz"))
        #expect(try Dataset.directory(folder).train.count == 5)   // a lone pair, split 5/1
        for name in ["a-images-idx3-ubyte", "a-labels-idx1-ubyte"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name.hasPrefix("a-images") ? "train-images-idx3-ubyte" : "t10k-labels-idx1-ubyte"), to: folder.appendingPathComponent(name))
        }
        #expect(FormatTestSupport.message { try Dataset.directory(folder) }
            == "Dataset.directory: the folder \(p) has IDX pairs a, train; expected one train and one t10k (or test) pair, or a single pair to split")
        let missing = folder.appendingPathComponent("nope")
        #expect(FormatTestSupport.message { try Dataset.directory(missing) }.hasPrefix("Dataset.directory: cannot list the folder \(missing.path): "))
    }

    @Test func rejectsMalformedFilesWithClearMessages() throws {
        func message(_ data: Data, rank: Int = 3, role: String = "images") -> String {
            FormatTestSupport.message { try IDXFile.decode(data, rank: rank, role: role, source: "f", function: "Dataset.idx") }
        }
        #expect(message(Data([0, 0])) == "Dataset.idx: images file f: truncated: 2 bytes, too short for the 4-byte IDX magic number")
        #expect(message(Data("PK\u{3}\u{4}".utf8)) == "Dataset.idx: images file f: not an IDX file: it starts with 50 4b 03 04, expected the magic number 2051 (00 00 08 03)")
        #expect(message(Self.file(type: 0x0d, dimensions: [1, 1, 1], data: [0, 0, 0, 0]))
            == "Dataset.idx: images file f: element type 0x0d (float) is not supported; expected 0x08 (unsigned byte)")
        #expect(message(Self.file(dimensions: [2], data: [1, 2]))
            == "Dataset.idx: images file f: 1 dimensions (magic number 2049), expected 3 (magic number 2051) for images")
        #expect(message(Data([0, 0, 8, 3, 0, 0, 0, 1])) == "Dataset.idx: images file f: truncated: 8 bytes, too short for the 16-byte header")
        #expect(message(Self.file(dimensions: [2, 2, 2], data: [1, 2, 3]))
            == "Dataset.idx: images file f: truncated: dimensions [2, 2, 2] need 8 bytes of data but only 3 follow the header")
        #expect(message(Self.file(dimensions: [3], data: [1, 2, 3, 4]), rank: 1, role: "labels")
            == "Dataset.idx: labels file f: 1 unexpected bytes after the 3 bytes of dimensions [3]")
        #expect(message(Self.file(dimensions: [0xffff_ffff, 0xffff_ffff, 0xffff_ffff], data: []))
            == "Dataset.idx: images file f: dimensions [4294967295, 4294967295, 4294967295] are too large")
        #expect(message(try Gzip.gzip(Self.file(dimensions: [1], data: [7])).dropLast(3), rank: 1, role: "labels").hasPrefix("Dataset.idx: labels file f: truncated gzip data: the stream ends early"))
        #expect(try IDXFile.decode(try Gzip.gzip(Self.file(dimensions: [2], data: [7, 9])), rank: 1, role: "labels", source: "f", function: "t").bytes == [7, 9])

        // Mismatched counts and empty images, through files.
        let folder = try FormatTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = folder.appendingPathComponent("x-images-idx3-ubyte"), labels = folder.appendingPathComponent("x-labels-idx1-ubyte")
        try Self.file(dimensions: [2, 1, 1], data: [1, 2]).write(to: images)
        try Self.file(dimensions: [3], data: [1, 2, 3]).write(to: labels)
        #expect(FormatTestSupport.message { try Dataset.idx(images: images, labels: labels) }
            == "Dataset.idx: \(images.path) holds 2 images but \(labels.path) holds 3 labels")
        try Self.file(dimensions: [3, 0, 1], data: []).write(to: images)
        #expect(FormatTestSupport.message { try Dataset.idx(images: images, labels: labels) }
            == "Dataset.idx: images file \(images.path): images of 0×1 pixels are empty")
        let missing = folder.appendingPathComponent("missing")
        #expect(FormatTestSupport.message { try Dataset.idx(images: missing, labels: labels) }.hasPrefix("Dataset.idx: cannot read images file \(missing.path): "))
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        let folder = Self.idx.appendingPathComponent("pair")
        let files: [(String, Int)] = [("train-images-idx3-ubyte", 3), ("train-labels-idx1-ubyte.gz", 1), ("t10k-images-idx3-ubyte.gz", 3)]
        for (index, (name, rank)) in files.enumerated() {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            for mutated in FormatTestSupport.mutations(of: data, flips: 300, seed: UInt32(index + 1)) {
                #expect(FormatTestSupport.throwsCleanly {
                    try IDXFile.decode(mutated, rank: rank, role: "images", source: "fuzz", function: "t")
                })
            }
        }
    }
}
