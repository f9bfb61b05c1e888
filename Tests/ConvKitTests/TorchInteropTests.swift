import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// PyTorch state dicts both ways: a model written in PyTorch by hand
/// (Scripts/fixtures/make_torch_model_fixtures.py) loads into ConvKit and gives PyTorch's logits,
/// and ConvKit writes the same names, shapes and layouts back. Scripts/check-torch-export.py runs
/// the exported model.py in PyTorch.
@Suite struct TorchInteropTests {
    static let spec = "input 10x9x3, conv 4 3x3 same, batchnorm, relu, maxpool 2, conv 6 3x3 stride 2 same, "
        + "leakyrelu 0.1, flatten, dropout 0.25, dense 7, relu, dense 5"

    static func fixture() throws -> (stateDict: [String: NPYArray], x: Tensor<Float>, y: Tensor<Float>) {
        let (tensors, _) = try SafeTensors.read(contentsOf: PeerFixtures.url("torch_state_dict.safetensors"))
        let arrays = try NPZ.read(contentsOf: PeerFixtures.url("torch_state_dict.npz"))
        return (tensors, try NPZ.member("x", of: arrays).floats(), try NPZ.member("y", of: arrays).floats())
    }

    static func loaded() throws -> Sequential<Float> {
        var model = try Sequential<Float>(ModelSpec.parse(spec), seed: 3)
        try model.loadTorchStateDict(try fixture().stateDict)
        return model
    }

    @Test func importedModelGivesPyTorchsLogits() throws {
        let (_, x, y) = try Self.fixture()
        var model = try Self.loaded()
        let logits = try model.forward(try x.transposed([0, 2, 3, 1]), training: false)
        #expect(logits.shape == y.shape)
        let difference = zip(logits.scalars, y.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5, "largest difference to PyTorch \(difference)")
    }

    @Test func exportGivesBackPyTorchsTensors() throws {
        let (stateDict, _, _) = try Self.fixture()
        let exported = try Self.loaded().torchStateDict()
        #expect(exported.keys.sorted() == stateDict.keys.sorted())
        for (name, array) in stateDict where name != "1.num_batches_tracked" {
            #expect(exported[name] == array, "\(name) differs")
        }
        #expect(exported["1.num_batches_tracked"] == .int64(Tensor(uncheckedShape: [], scalars: [0])))
    }

    @Test func exportedFolderLoadsBackBitForBit() throws {
        let (_, x, _) = try Self.fixture()
        var model = try Self.loaded()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-torch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.exportTorch(to: folder)
        var copy = try Sequential<Float>(ModelSpec.parse(Self.spec), seed: 9)
        try copy.loadTorchStateDict(try SafeTensors.read(contentsOf: folder.appendingPathComponent("state_dict.safetensors")).tensors)
        let nhwc = try x.transposed([0, 2, 3, 1])
        #expect(try copy.forward(nhwc, training: false).scalars.map(\.bitPattern)
                == model.forward(nhwc, training: false).scalars.map(\.bitPattern))
        let source = try String(contentsOf: folder.appendingPathComponent("model.py"), encoding: .utf8)
        #expect(source.contains("INPUT_SHAPE = (3, 10, 9)"))
        #expect(source.contains("nn.Conv2d(3, 4, (3, 3), stride=(1, 1), bias=True, padding=(1, 1)),  # 0: conv 4 3x3 same"))
        #expect(source.contains("PaddedConv2d(4, 6, (3, 3), stride=(2, 2), bias=True, pads=(0, 1, 1, 1)),  # 4:"))
        #expect(source.contains("nn.BatchNorm2d(4, eps=1e-05, momentum=0.1),  # 1: batchnorm"))
        #expect(source.contains("nn.Linear(36, 7, bias=True),  # 8: dense 7"))
    }

    @Test func denseAfterFlattenTakesNCHWOrder() throws {
        // One output that picks PyTorch's flat input 1 = (c 0, h 0, w 1); in ConvKit's (h, w, c)
        // order that is element w · C = 2 of a 1×2×2 image.
        var model = try Sequential<Float>(ModelSpec.parse("input 1x2x2, flatten, dense 1 nobias"), seed: 0)
        try model.loadTorchStateDict(["1.weight": .float32(Tensor(uncheckedShape: [1, 4], scalars: [0, 1, 0, 0]))])
        let x = Tensor<Float>(uncheckedShape: [1, 1, 2, 2], scalars: [10, 20, 30, 40])  // (h, w, c)
        #expect(try model.forward(x, training: false).scalars == [30])
    }

    @Test func mismatchesNameTheTensorAndBothShapes() throws {
        let (stateDict, _, _) = try Self.fixture()
        var model = try Sequential<Float>(ModelSpec.parse(Self.spec), seed: 3)
        let function = "Sequential.loadTorchStateDict"
        var missing = stateDict
        missing["4.weight"] = nil
        #expect(throws: ConvKitError(function, "the state dict has no '4.weight' for layer 4 'conv 6 3x3 stride 2 same' (PyTorch shape [6, 4, 3, 3])")) {
            try model.loadTorchStateDict(missing)
        }
        var misshapen = stateDict
        misshapen["0.weight"] = .float32(try Tensor(zeros: [4, 3, 5, 5]))
        #expect(throws: ConvKitError(function, "'0.weight' has shape [4, 3, 5, 5] in the state dict but layer 0 'conv 4 3x3 same' needs [4, 3, 3, 3] in PyTorch's layout")) {
            try model.loadTorchStateDict(misshapen)
        }
        var extra = stateDict
        extra["11.weight"] = .float32(try Tensor(zeros: [2]))
        #expect(throws: ConvKitError(function, "the model has no tensor '11.weight' (shape [2]); its spec is '\(try ModelSpec.parse(Self.spec))'")) {
            try model.loadTorchStateDict(extra)
        }
        var integer = stateDict
        integer["0.bias"] = .int64(Tensor(uncheckedShape: [4], scalars: [1, 2, 3, 4]))
        #expect(throws: ConvKitError(function, "'0.bias' is <i8; parameters must be float32 or float64")) {
            try model.loadTorchStateDict(integer)
        }
        var infinite = stateDict
        infinite["10.bias"] = .float32(Tensor(uncheckedShape: [5], scalars: [0, 0, .infinity, 0, 0]))
        #expect(throws: ConvKitError(function, "'10.bias' holds inf at element 2; values must be finite")) {
            try model.loadTorchStateDict(infinite)
        }
        // Nothing was loaded by the failed calls.
        #expect(model.state.map(\.value) == (try Sequential<Float>(ModelSpec.parse(Self.spec), seed: 3)).state.map(\.value))
    }
}
