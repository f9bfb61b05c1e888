import PropertyBased
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// AVX2 and AVX-512 give the same bits: every kernel family accumulates in the same order on
/// both, the bias enters at the same point, and reduction splits depend on the shape only.
/// Skipped with a message on a CPU without AVX-512 (there is nothing to compare AVX2 with).
@Suite struct CrossISATests {
    static let bothISAs = KernelISA.detected == .avx512

    static func skipMessage(_ test: String) {
        print("CrossISATests.\(test) skipped: this CPU has no AVX-512 to compare AVX2 with")
    }

    /// Forward and backward of any shape and options, in Float and Double, NHWC and NCHW.
    @Test func convolutionIsBitwiseIdenticalOnAVX2AndAVX512() async {
        guard Self.bothISAs else { return Self.skipMessage("convolution") }
        let shapes = FastPathPropertyTests.shapes, kernel = FastPathPropertyTests.kernel
        await propertyCheck(count: 60, input: shapes, kernel, FastPathPropertyTests.padding, zip(Gen.bool(), Gen.bool(), Gen.bool())) {
            shape, kernel, padding, flags in
            let (n, groupKind, perGroup, outputsPerGroup, h, w) = shape
            let (r, s, _, _, _, _) = kernel
            let (nchw, hasBias, inDouble) = flags
            let groups = [1, 2, perGroup + 1][groupKind]
            let cg = groupKind == 2 ? 1 : perGroup
            let (c, k) = (groups * cg, groups * outputsPerGroup * 9)
            let options = FastPathPropertyTests.options(kernel, padding, groups: groups, nchw: nchw)
            let inputShape = nchw ? [n, c, h, w] : [n, h, w, c]
            let weightShape = nchw ? [k, cg, r, s] : [r, s, cg, k]
            if inDouble {
                try Self.compare(Double.self, inputShape, weightShape, hasBias ? k : nil, options)
            } else {
                try Self.compare(Float.self, inputShape, weightShape, hasBias ? k : nil, options)
            }
        }
    }

    static func compare<T: ConvKitFloat>(
        _: T.Type, _ inputShape: [Int], _ weightShape: [Int], _ biasLength: Int?, _ options: Conv2DOptions
    ) throws {
        var rng = NumPyRandomState(seed: 4)
        let x = try rng.randn(inputShape).map { T($0) }
        let w = try rng.randn(weightShape).map { T($0) }
        let b = try biasLength.map { try rng.randn([$0]).map { T($0) } }
        func run(_ isa: KernelISA) throws -> (Tensor<T>, Conv2DGradients<T>)? {
            try KernelISA.withActive(isa) {
                guard let (y, cache) = try? conv2dForward(x, weight: w, bias: b, options: options) else { return nil }
                return (y, try conv2dBackward(y, cache: cache))
            }
        }
        guard let wide = try run(.avx512) else { return }
        let narrow = try #require(try run(.avx2))
        #expect(wide.0 == narrow.0, "forward")
        #expect(wide.1.input == narrow.1.input, "input gradient")
        #expect(wide.1.weight == narrow.1.weight, "weight gradient")
        #expect(wide.1.bias == narrow.1.bias, "bias gradient")
    }

    /// The layers large enough for every blocking of the fast path: reduction splits, depth
    /// blocks, several column panels, the first-layer kernels' every tile.
    @Test(arguments: [
        ConvCase(inputShape: [8, 24, 24, 16], weightShape: [3, 3, 16, 72], hasBias: true, options: Conv2DOptions(padding: 1)),
        ConvCase(inputShape: [2, 14, 14, 300], weightShape: [3, 3, 300, 40], hasBias: true, options: Conv2DOptions(stride: 2, padding: 1)),
        ConvCase(inputShape: [4, 30, 30, 3], weightShape: [5, 5, 3, 50], hasBias: true, options: Conv2DOptions(padding: 2)),
        ConvCase(inputShape: [3, 1, 28, 28], weightShape: [32, 1, 3, 3], hasBias: true, options: Conv2DOptions(padding: 1, layout: .nchw)),
    ])
    func largeLayersAreBitwiseIdentical(_ c: ConvCase) throws {
        guard Self.bothISAs else { return Self.skipMessage("largeLayers") }
        try Self.compare(Float.self, c.inputShape, c.weightShape, c.hasBias ? c.weightShape[c.options.layout == .nhwc ? 3 : 0] : nil, c.options)
    }

    /// 200 steps of SGD on the digits model give the same weights to the bit.
    @Test func trainingIsBitwiseIdenticalOnAVX2AndAVX512() throws {
        guard Self.bothISAs else { return Self.skipMessage("training") }
        let (train, test) = try Dataset.digitsSplit()
        let (trainSubset, testSubset) = (try train.subset(Array(0..<160)), try test.subset(Array(0..<32)))
        func weights(_ isa: KernelISA) throws -> [Tensor<Float>] {
            try KernelISA.withActive(isa) {
                var trainer = try Trainer(
                    model: Sequential<Float>(ModelSpec.digits, seed: 7),
                    optimizer: OptimizerChoice(named: "sgd", learningRate: 0.05),
                    configuration: TrainingConfiguration(epochs: 10, batchSize: 8, learningRate: 0.05, seed: 1, shift: 1))
                #expect(try trainer.run(train: trainSubset, test: testSubset) == .finished)
                return trainer.model.state.map(\.value)
            }
        }
        let (wide, narrow) = (try weights(.avx512), try weights(.avx2))
        #expect(wide.count == narrow.count)
        for (a, b) in zip(wide, narrow) { #expect(a == b) }
        // The weights moved: the comparison is of trained weights, not of the initial ones.
        let initial = try Sequential<Float>(ModelSpec.digits, seed: 7).state.map(\.value)
        #expect(zip(initial, wide).contains { $0 != $1 })
    }
}
