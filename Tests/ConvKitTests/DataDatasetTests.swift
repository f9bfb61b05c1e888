import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Dataset: construction, subsets and splits, the embedded digits and `.npz` data sets.
@Suite struct DataDatasetTests {
    /// Four 1×2×1 images with values 10·i, 10·i + 1 and labels i % 3.
    static func small() throws -> Dataset {
        let images = try Tensor<Float>(shape: [4, 1, 2, 1], scalars: [0, 1, 10, 11, 20, 21, 30, 31])
        return try Dataset(images: images, labels: [0, 1, 2, 0], classCount: 3, name: "small")
    }

    @Test func validatesConstruction() throws {
        let images = try Tensor<Float>(zeros: [2, 3, 3, 1])
        #expect(FormatTestSupport.message { try Dataset(images: try Tensor<Float>(zeros: [2, 3, 3]), labels: [0, 1], classCount: 2, name: "d") }
            == "Dataset.init: images has shape [2, 3, 3], expected [N, H, W, C] with H, W, C ≥ 1 (dataset 'd')")
        #expect(FormatTestSupport.message { try Dataset(images: images, labels: [0], classCount: 2, name: "d") }
            == "Dataset.init: 1 labels for 2 images of shape [2, 3, 3, 1] (dataset 'd')")
        #expect(FormatTestSupport.message { try Dataset(images: images, labels: [0, 1], classCount: 0, name: "d") }
            == "Dataset.init: classCount 0 must be at least 1 (dataset 'd')")
        #expect(FormatTestSupport.message { try Dataset(images: images, labels: [0, 2], classCount: 2, name: "d") }
            == "Dataset.init: label 2 of image 1 is outside 0..<2 (dataset 'd')")
        let dataset = try Dataset(images: images, labels: [1, 1], classCount: 2, name: "d")
        #expect(dataset.count == 2 && dataset.height == 3 && dataset.width == 3 && dataset.channels == 1)
        #expect(dataset.imageShape == [3, 3, 1])
        #expect(dataset.classHistogram == [0, 2])
    }

    @Test func takesSubsetsAndSplits() throws {
        let dataset = try Self.small()
        let picked = try dataset.subset([3, 0, 3], name: "picked")
        #expect(picked.images.scalars == [30, 31, 0, 1, 30, 31])
        #expect(picked.labels == [0, 0, 0])
        #expect(picked.classCount == 3 && picked.name == "picked")
        let (train, test) = try dataset.split(trainCount: 3)
        #expect(train.labels == [0, 1, 2] && test.labels == [0])
        #expect(train.name == "small (train)" && test.name == "small (test)")
        #expect(try dataset.holdOutSplit().train.count == 4)   // 4 − 4/5 = 4
        #expect(try dataset.subset([]).count == 0)
        #expect(FormatTestSupport.message { try dataset.subset([4]) } == "Dataset.subset: index 4 is out of range for the 4 images of 'small'")
        #expect(FormatTestSupport.message { try dataset.split(trainCount: 5) }
            == "Dataset.split: trainCount 5 is outside 0...4, the image count of 'small'")
    }

    @Test func loadsTheEmbeddedDigitsLikeThePyTorchScript() throws {
        let all = try Dataset.digits()
        #expect(all.images.shape == [1797, 8, 8, 1])
        #expect(all.classCount == 10)
        #expect(all.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // The first row of the CSV: 0,0,5,13,9,1,0,0,… label 0.
        let firstPixels: [Float] = [0, 0, 0.3125, 0.8125]   // 5/16, 13/16
        #expect(Array(all.images.scalars[0..<4]) == firstPixels)
        #expect(all.labels[0] == 0)

        let (train, test) = try Dataset.digitsSplit()
        let expected = try NPZ.read(contentsOf: FormatTestSupport.fixture("data/digits_expected.npz"))
        #expect(train.count == 1438 && test.count == 359)
        #expect(train.labels == (try NPZ.member("train_y", of: expected).integers().scalars))
        #expect(test.labels == (try NPZ.member("test_y", of: expected).integers().scalars))
        #expect(try train.subset([0, 1, 2]).images == FormatTestSupport.floats(expected, "train_head"))
        #expect(try test.subset([356, 357, 358]).images == FormatTestSupport.floats(expected, "test_tail"))
        let trainSum = train.images.scalars.reduce(0.0) { $0 + Double($1) }
        let testSum = test.images.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(trainSum == (try FormatTestSupport.floats(expected, "train_sum").scalars.first.map(Double.init)))
        #expect(testSum == (try FormatTestSupport.floats(expected, "test_sum").scalars.first.map(Double.init)))
        #expect(train.name == "digits (train)" && test.name == "digits (test)")
    }

    @Test func parsesDigitsCSVStrictly() throws {
        let row = (0..<64).map { String($0 % 17) }.joined(separator: ",")
        let good = try Dataset.digits(csvData: Data("\(row),7\r\n\n\(row),3.0\n".utf8), source: "d.csv", name: "d")
        #expect(good.labels == [7, 3])
        #expect(Array(good.images.scalars[15...17]) == [0.9375, 1, 0])   // 15/16, 16/16, 0
        let gz = try Dataset.digits(csvData: try Gzip.gzip(Data("\(row),7\n".utf8)), source: "d.csv.gz", name: "d")
        #expect(gz.labels == [7])
        func message(_ text: String) -> String {
            FormatTestSupport.message { try Dataset.digits(csvData: Data(text.utf8), source: "d.csv", name: "d") }
        }
        #expect(message("\(row)\n") == "Dataset.digits: d.csv line 1: 64 fields, expected 64 pixels and a label")
        #expect(message("\(row),7\n\(row),x\n") == "Dataset.digits: d.csv line 2: field 65 is 'x', expected a number")
        #expect(message("17,\(row.dropFirst(2)),1\n") == "Dataset.digits: d.csv line 1: pixel 1 is 17.0, expected 0...16")
        #expect(message("\(row),10\n") == "Dataset.digits: d.csv line 1: the label is 10.0, expected an integer 0...9")
        #expect(message("\n\n") == "Dataset.digits: d.csv holds no rows")
        #expect(FormatTestSupport.message { try Dataset.digits(csvData: try Gzip.gzip(Data(row.utf8)).dropLast(4), source: "d.csv.gz", name: "d") }
            .hasPrefix("Dataset.digits: d.csv.gz: truncated gzip data"))
        let missing = FormatTestSupport.temporaryURL(".csv")
        #expect(FormatTestSupport.message { try Dataset.digits(csv: missing) }.hasPrefix("Dataset.digits: cannot read \(missing.path): "))
        // The resource is found without SwiftPM's fatalError-ing Bundle.module.
        #expect(try Dataset.digitsResourceURL().lastPathComponent == "digits.csv.gz")
        let nowhere = [URL(fileURLWithPath: "/nonexistent/a"), URL(fileURLWithPath: "/nonexistent/b")]
        #expect(FormatTestSupport.message { try Dataset.locate("digits.csv.gz", in: nowhere) }
            == "Dataset.digits: the embedded digits.csv.gz is missing (looked in /nonexistent/a, /nonexistent/b); copy ConvKit_ConvKitNN.resources next to the executable or use Dataset.digits(csv:)")
    }

    @Test func loadsNPZDataSets() throws {
        let (train, test) = try Dataset.npz(FormatTestSupport.fixture("data/npz/gray_uint8.npz"))
        // Five images: no x_test, so 4 train (5 − 5/5) and 1 test.
        #expect(train.images.shape == [4, 3, 4, 1] && test.images.shape == [1, 3, 4, 1])
        #expect(train.labels == [0, 2, 1, 2] && test.labels == [0])
        #expect(train.classCount == 3)
        let raw = try NPZ.read(contentsOf: FormatTestSupport.fixture("data/npz/gray_uint8.npz"))
        guard case .uint8(let x) = try NPZ.member("x", of: raw) else { throw ConvKitError("test", "x is not uint8") }
        #expect(train.images.scalars == x.scalars.prefix(48).map { Float(Double($0) / 255) })
        #expect(train.name == "gray_uint8 (train)")

        let split = try Dataset.npz(FormatTestSupport.fixture("data/npz/rgb_float_split.npz"))
        #expect(split.train.images.shape == [4, 2, 3, 3] && split.test.images.shape == [2, 2, 3, 3])
        #expect(split.train.labels == [1, 0, 3, 1] && split.test.labels == [2, 4])
        #expect(split.train.classCount == 5 && split.test.classCount == 5)
        let arrays = try NPZ.read(contentsOf: FormatTestSupport.fixture("data/npz/rgb_float_split.npz"))
        #expect(split.test.images == (try FormatTestSupport.floats(arrays, "x_test")))
        #expect(try Dataset.load(FormatTestSupport.fixture("data/npz/rgb_float_split.npz")).test == split.test)
    }

    @Test func rejectsBadNPZDataSets() throws {
        let url = FormatTestSupport.temporaryURL(".npz")
        defer { try? FileManager.default.removeItem(at: url) }
        let p = url.path
        func message(_ arrays: [String: NPYArray]) throws -> String {
            try NPZ.write(arrays, to: url)
            return FormatTestSupport.message { try Dataset.npz(url) }
        }
        let x = NPYArray.uint8(try Tensor(zeros: [3, 2, 2]))
        let y = NPYArray.int64(Tensor([0, 1, 1]))
        #expect(try message(["y": y]) == "Dataset.npz: \(p) has no array 'x' or 'x_train' (arrays: y)")
        #expect(try message(["x": x]) == "Dataset.npz: \(p) has no array 'y' or 'y_train' (arrays: x)")
        #expect(try message(["x": .uint8(try Tensor(zeros: [3, 4])), "y": y]) == "Dataset.npz: \(p): 'x' has shape [3, 4], expected (N, H, W) or (N, H, W, C)")
        #expect(try message(["x": .float32(try Tensor(zeros: [3, 1, 28, 28])), "y": y])
            == "Dataset.npz: \(p): 'x' has shape [3, 1, 28, 28], which looks channels-first (N, C, H, W); ConvKit expects (N, H, W, C): save x.transpose(0, 2, 3, 1)")
        #expect(try message(["x": .uint8(try Tensor(zeros: [3, 0, 2])), "y": y]) == "Dataset.npz: \(p): 'x' has shape [3, 0, 2]: the images are empty")
        #expect(try message(["x": .int64(try Tensor(zeros: [3, 2, 2])), "y": y])
            == "Dataset.npz: \(p): 'x' has dtype <i8, expected uint8 (divided by 255), float32 or float64")
        #expect(try message(["x": x, "y": .int64(try Tensor(zeros: [3, 2]))]) == "Dataset.npz: \(p): 'y' has shape [3, 2], expected (N,) or (N, 1)")
        #expect(try message(["x": x, "y": .float64(Tensor([0, 1, 1]))]) == "Dataset.npz: \(p): 'y' has dtype <f8, expected integer labels (int32, int64 or uint8)")
        #expect(try message(["x": x, "y": .int64(Tensor([0, -1, 1]))])
            == "Dataset.npz: \(p): 'y' holds the label -1 at index 1, expected class indices 0..<1048576")
        #expect(try message(["x": x, "y": .int64(Tensor([0, 1]))]) == "Dataset.npz: \(p): 'x' holds 3 images but 'y' holds 2 labels")
        #expect(try message(["x": x, "y": y, "x_test": x]) == "Dataset.npz: \(p) has 'x_test' without 'y_test'")
        #expect(try message(["x": x, "y": y, "x_test": .uint8(try Tensor(zeros: [1, 3, 3])), "y_test": .int64(Tensor([0]))])
            == "Dataset.npz: \(p): 'x_test' images are [3, 3, 1] but 'x' images are [2, 2, 1]")
        #expect(try message(["x": x, "y": y, "x_test": x, "y_test": .int64(Tensor([0]))]) == "Dataset.npz: \(p): 'x_test' holds 3 images but 'y_test' holds 1 labels")
        let missing = FormatTestSupport.temporaryURL(".npz")
        #expect(FormatTestSupport.message { try Dataset.npz(missing) } == "Dataset.npz: cannot read \(missing.path): no such file")
        #expect(FormatTestSupport.message { try Dataset.load(missing) } == "Dataset.load: \(missing.path) does not exist; expected a folder of IDX files or an .npz file")
        let text = FormatTestSupport.temporaryURL(".txt")
        try Data("x".utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        #expect(FormatTestSupport.message { try Dataset.load(text) }
            == "Dataset.load: \(text.path) is a file without the .npz extension; expected a folder of IDX files or an .npz file")
    }
}
