import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Values from a user or a file at the edges of `Int`: every entry point that takes sizes or
/// counts either works or throws a ConvKitError — none traps, hangs or allocates for them.
@Suite struct HardeningTests {
    static let extremes = [Int.max, Int.max / 2, -1, 0]

    /// Runs `body`, which may work or throw a ConvKitError, nothing else (a trap would end the
    /// test run). Values that must be refused go to ``refuses(_:_:)``.
    func survives(_ what: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch is ConvKitError {
        } catch {
            Issue.record("\(what): not a ConvKitError: \(error)")
        }
    }

    /// Runs `body` and requires a ConvKitError (a trap would end the test run).
    func refuses(_ what: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error")
        } catch is ConvKitError {
        } catch {
            Issue.record("\(what): not a ConvKitError: \(error)")
        }
    }

    @Test func convolutionGeometry() throws {
        let x = try Tensor<Float>(zeros: [1, 5, 5, 2])
        let w = try Tensor<Float>(zeros: [3, 3, 2, 4])
        for v in Self.extremes {
            let check = v == 0 ? survives : refuses
            check("pad \(v)") { _ = try conv2dForward(x, weight: w, bias: nil, options: .init(padding: .uniform(v))) }
            check("explicit pad \(v)") {
                _ = try conv2dForward(x, weight: w, bias: nil, options: .init(padding: .explicit(top: 0, bottom: v, left: 1, right: 1)))
            }
            // A stride past the input gives one output; a dilation past it, no room for the kernel.
            (v > 0 ? survives : refuses)("stride \(v)") { _ = try conv2dForward(x, weight: w, bias: nil, options: .init(stride: Size2D(v, 1))) }
            refuses("dilation \(v)") { _ = try conv2dForward(x, weight: w, bias: nil, options: .init(dilation: Size2D(1, v))) }
            refuses("groups \(v)") { _ = try conv2dForward(x, weight: w, bias: nil, options: .init(groups: v)) }
        }
    }

    @Test func poolGeometry() throws {
        let x = try Tensor<Float>(zeros: [1, 5, 5, 2])
        for v in Self.extremes {
            refuses("window \(v)") { _ = try pool2dForward(x, options: Pool2DOptions(.max, window: Size2D(v, 2))) }
            refuses("pool2d window \(v)") { _ = try pool2d(x, options: Pool2DOptions(.max, window: Size2D(2, v))) }
            (v > 0 ? survives : refuses)("stride \(v)") { _ = try pool2dForward(x, options: Pool2DOptions(.max, window: 2, stride: Size2D(2, v))) }
            (v == 0 ? survives : refuses)("pad \(v)") {
                _ = try pool2dForward(x, options: Pool2DOptions(.average, window: 2, padding: .uniform(v)))
            }
            (v > 0 ? survives : refuses)("divisor \(v)") {
                _ = try pool2dForward(x, options: Pool2DOptions(.average, window: 2, divisorOverride: v))
            }
        }
    }

    @Test func tensorShapesAndSplits() throws {
        for v in Self.extremes where v != 0 {
            refuses("shape [\(v), \(v)]") { _ = try Tensor<Float>(zeros: [v, v]) }
            refuses("shape [\(v), 3]") { _ = try Tensor<Float>(zeros: [v == -1 ? -1 : v, 3]) }
        }
        let data = try Dataset.digits()
        for v in [Int.max, -1, data.count + 1] {
            refuses("split at \(v)") { _ = try data.split(trainCount: v) }
        }
    }

    @Test func modelSpecsAndTrainingSettings() throws {
        for v in Self.extremes {
            (v == 0 ? survives : refuses)("conv pad \(v)") {
                _ = try Sequential<Float>(ModelSpec.parse("conv 1 3 pad \(v), flatten, dense 10"), inputShape: [8, 8, 1])
            }
            refuses("dense \(v)") { _ = try Sequential<Float>(ModelSpec.parse("flatten, dense \(v)"), inputShape: [8, 8, 1]) }
            refuses("conv filters \(v)") { _ = try Sequential<Float>(ModelSpec.parse("conv \(v) 3x3 same, flatten, dense 10"), inputShape: [8, 8, 1]) }
            refuses("maxpool \(v)") { _ = try Sequential<Float>(ModelSpec.parse("maxpool \(v), flatten, dense 10"), inputShape: [8, 8, 1]) }
            let model = try Sequential<Float>(ModelSpec.digits, seed: 0)
            refuses("epochs \(v)") {
                _ = try Trainer(
                    model: model, optimizer: try OptimizerChoice(named: "sgd", learningRate: 0.1),
                    configuration: TrainingConfiguration(epochs: v, batchSize: 16, learningRate: 0.1))
            }
        }
        // A huge batch is one batch of everything, not an overflow.
        let data = try Dataset.digits()
        var loader = try BatchLoader(data, batchSize: Int.max)
        #expect(loader.batchesPerEpoch == 1)
        #expect(Array(loader.nextEpoch()).first?.count == data.count)
        refuses("batch size 0") { _ = try BatchLoader(data, batchSize: 0) }
    }

    /// What fuzzing found, kept: specs whose models take long to initialise (13 million
    /// parameters took over 10 s under the fuzzer's ASan build) are refused before anything is
    /// drawn once they exceed the budget they are given.
    @Test func fuzzFindingsModelSpecs() throws {
        for text in ["conv 16 3x3 same, relu, maxpool 2, conv 90652 3x3 same, relu, maxpool 4, flatten, dense 09",
                     "conv 16 3x3 same, relu, maxpool 2, conv 31262 6x3 same, relu, maxpool 2, flatten, dense 09"] {
            let spec = try ModelSpec.parse(text)
            refuses(text) { _ = try Sequential<Float>(spec, inputShape: [8, 8, 1], seed: 0, parameterBudget: 1_000_000) }
        }
    }

    /// The 50 KB checkpoint whose metadata asks for a 4 GB model is refused before the model
    /// is built; positions a trainer cannot have reached, and non-finite weights, are refused.
    @Test func hostileCheckpoints() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        let trainer = try Trainer(
            model: model, optimizer: try OptimizerChoice(named: "sgd", learningRate: 0.1),
            configuration: TrainingConfiguration(epochs: 2, batchSize: 16, learningRate: 0.1))
        let good = folder.appendingPathComponent("good.safetensors")
        try Checkpoint.write(trainer, classes: 10, to: good)
        let (tensors, metadata) = try SafeTensors.read(contentsOf: good)
        _ = try Checkpoint.read(contentsOf: good)

        func rewritten(_ name: String, metadata change: (inout [String: String]) -> Void,
                       tensors edit: (inout [String: Tensor<Float>]) -> Void = { _ in }) throws -> URL {
            var values = tensors.mapValues { $0.floats(Float.self) }
            edit(&values)
            var meta = metadata
            change(&meta)
            let url = folder.appendingPathComponent(name)
            try SafeTensors.write(values, metadata: meta, to: url)
            return url
        }
        let state = try #require(metadata["trainer"])
        for (name, from, to) in [("epoch -1", "\"epoch\":0", "\"epoch\":-1"), ("epoch 1e9", "\"epoch\":0", "\"epoch\":1000000000"),
                                 ("batch -5", "\"batchInEpoch\":0", "\"batchInEpoch\":-5"),
                                 ("epochs 1e9", "\"epochs\":2", "\"epochs\":1000000000")] {
            #expect(state.contains(from), "the trainer state holds \(from)")
            let url = try rewritten(name, metadata: { $0["trainer"] = state.replacingOccurrences(of: from, with: to) })
            refuses(name) { _ = try Checkpoint.read(contentsOf: url) }
        }
        let huge = try rewritten("huge", metadata: { $0["model"] = "flatten, dense 1000000000" })
        refuses("a 4 GB model in a small file") { _ = try Checkpoint.read(contentsOf: huge) }
        let nan = try rewritten("nan", metadata: { _ in }, tensors: { values in
            if let name = values.keys.sorted().first, var tensor = values[name] {
                tensor.scalars[0] = .nan
                values[name] = tensor
            }
        })
        refuses("NaN weights") { _ = try Checkpoint.read(contentsOf: nan) }
    }

    /// Paths that are not regular files get a sentence of their own, never a Foundation code.
    @Test func filesThatAreNotFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for (url, words) in [(folder, "is a directory"), (fifo, "is a FIFO"), (folder.appendingPathComponent("none.npy"), "no such file")] {
            do {
                _ = try NPY.read(contentsOf: url)
                Issue.record("\(url.path): no error")
            } catch let error as ConvKitError {
                #expect(error.message.contains(words), "\(error.message)")
                #expect(error.message.contains(url.path))
            }
        }
    }

    @Test func jsonErrorsNameTheField() throws {
        struct Row: Decodable { let name: String; let stride: Int }
        struct Suite: Decodable { let conv: [Row] }
        let text = #"{"conv": [{"name": "a", "stride": 1}, {"name": "b", "stride": "two"}]}"#
        #expect(throws: ConvKitError("test", "s.json: conv[1].stride: expected a whole number")) {
            _ = try JSONInput.decode(Suite.self, from: Data(text.utf8), source: "s.json", function: "test")
        }
        #expect(throws: ConvKitError("test", "s.json: conv[0].stride: missing")) {
            _ = try JSONInput.decode(Suite.self, from: Data(#"{"conv": [{"name": "a"}]}"#.utf8), source: "s.json", function: "test")
        }
    }

    /// A link is written through (the file it names replaced, the link kept); a device is
    /// written directly; a failing device is an error.
    @Test func atomicWritesThroughLinksAndDevices() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("target.npy")
        let link = folder.appendingPathComponent("link.npy")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.npy")
        try NPY.write(try Tensor<Float>(shape: [2], scalars: [1, 2]), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "target.npy")
        #expect((try? NPY.read(contentsOf: target).floats(Float.self).scalars) == [1, 2])
        try NPY.write(try Tensor<Float>(shape: [1], scalars: [3]), to: URL(fileURLWithPath: "/dev/null"))
        if FileManager.default.fileExists(atPath: "/dev/full") {
            refuses("/dev/full") { try NPY.write(try Tensor<Float>(shape: [1], scalars: [3]), to: URL(fileURLWithPath: "/dev/full")) }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// NaN and ±∞ go through every layer as IEEE arithmetic says (a NaN pixel gives NaN
    /// logits), and the checks before training name the image that holds one.
    @Test func nonFiniteValues() throws {
        var model = try Sequential<Float>(ModelSpec.digits, seed: 0)
        var pixels = [Float](repeating: 0.5, count: 64)
        pixels[10] = .nan
        let logits = try model.forward(try Tensor(shape: [1, 8, 8, 1], scalars: pixels), training: false)
        #expect(logits.scalars.allSatisfy { $0.isNaN })
        pixels[10] = .infinity
        _ = try model.forward(try Tensor(shape: [1, 8, 8, 1], scalars: pixels), training: false)

        let (train, test) = try Dataset.digitsSplit()
        var scalars = test.images.scalars
        scalars[70] = .nan
        let bad = try Dataset(images: try Tensor(shape: test.images.shape, scalars: scalars), labels: test.labels,
                              classCount: test.classCount, name: "bad")
        #expect(throws: ConvKitError("train", "image 1 of 'bad' holds nan (element 6); every value must be finite")) {
            try Dataset.checkSplits(train: train, test: bad, function: "train")
        }
        let empty = try train.subset([], name: "empty")
        #expect(throws: ConvKitError.self) { try Dataset.checkSplits(train: empty, test: test, function: "train") }
        let fewer = try Dataset(images: test.images, labels: test.labels.map { $0 % 3 }, classCount: 3, name: "three")
        #expect(throws: ConvKitError("train", "'digits (train)' has 10 classes but 'three' has 3; labels must mean the same in both splits")) {
            try Dataset.checkSplits(train: train, test: fewer, function: "train")
        }
    }
}
