import PropertyBased
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Property: for any shapes and options, the fast and loop-free algorithms either agree with the
/// reference (relative error ≤ 1e-12 in Double, 1e-5 in Float) or throw the same error.
/// A failure prints the seed; `.fixedSeed(…)` on the test replays it.
@Suite struct FastPathPropertyTests {
    static let shapes = zip(
        Gen.int(in: 1...2), Gen.int(in: 0...2), Gen.int(in: 1...3), Gen.int(in: 1...2), Gen.int(in: 1...9), Gen.int(in: 1...9))
    static let kernel = zip(
        Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...3), Gen.int(in: 1...2), Gen.int(in: 1...2))
    static let padding = zip(
        Gen.int(in: 0...5), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...3))
    static let flags = zip(Gen.bool(), Gen.bool(), Gen.bool(), Gen.element(of: KernelISA.supported))

    static func options(
        _ kernel: (Int, Int, Int, Int, Int, Int), _ padding: (Int, Int, Int, Int, Int, Int), groups: Int, nchw: Bool
    ) -> Conv2DOptions {
        let (_, _, strideH, strideW, dilationH, dilationW) = kernel
        let (kind, a, b, c, d, mode) = padding
        let forms: [Padding] = [
            .valid, .same, .sameLower, .uniform(a), .symmetric(height: a, width: b),
            .explicit(top: a, bottom: b, left: c, right: d),
        ]
        return Conv2DOptions(
            stride: Size2D(strideH, strideW), padding: forms[kind], paddingMode: PaddingMode.allCases[mode],
            dilation: Size2D(dilationH, dilationW), groups: groups, layout: nchw ? .nchw : .nhwc)
    }

    @Test func convolutionAgreesWithReference() async {
        await propertyCheck(count: 150, input: Self.shapes, Self.kernel, Self.padding, Self.flags) { shape, kernel, padding, flags in
            let (n, groupKind, perGroup, outputsPerGroup, h, w) = shape
            let (r, s, _, _, _, _) = kernel
            let (nchw, hasBias, inDouble, isa) = flags
            let groups = [1, 2, perGroup + 1][groupKind]
            let cg = groupKind == 2 ? 1 : perGroup
            let (c, k) = (groups * cg, groups * outputsPerGroup)
            let options = Self.options(kernel, padding, groups: groups, nchw: nchw)
            let inputShape = nchw ? [n, c, h, w] : [n, h, w, c]
            let weightShape = nchw ? [k, cg, r, s] : [r, s, cg, k]
            try KernelISA.withActive(isa ?? .generic) {
                if inDouble {
                    try Self.check(Double.self, inputShape, weightShape, hasBias ? k : nil, options, tolerance: 1e-12)
                } else {
                    try Self.check(Float.self, inputShape, weightShape, hasBias ? k : nil, options, tolerance: 1e-5)
                }
            }
        }
    }

    static func check<T: ConvKitFloat>(
        _: T.Type, _ inputShape: [Int], _ weightShape: [Int], _ biasLength: Int?, _ options: Conv2DOptions,
        tolerance: T
    ) throws {
        var rng = NumPyRandomState(seed: 2)
        let x = try rng.randn(inputShape).map { T($0) }
        let w = try rng.randn(weightShape).map { T($0) }
        let b = try biasLength.map { try rng.randn([$0]).map { T($0) } }
        var reference = options
        reference.algorithm = .reference
        let expected: (Tensor<T>, Conv2DGradients<T>)
        do {
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: reference)
            expected = (y, try conv2dBackward(y, cache: cache))
        } catch let error as ConvKitError {
            for algorithm in [ConvAlgorithm.fast, .loopFree] {
                var options = options
                options.algorithm = algorithm
                #expect(throws: error) { try conv2dForward(x, weight: w, bias: b, options: options) }
            }
            return
        }
        for algorithm in [ConvAlgorithm.fast, .loopFree] {
            var options = options
            options.algorithm = algorithm
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
            let gradients = try conv2dBackward(expected.0, cache: cache)
            #expect(try #require(y.relativeError(to: expected.0)) <= tolerance, "\(algorithm) forward")
            #expect(try #require(gradients.input.relativeError(to: expected.1.input)) <= tolerance, "\(algorithm) input")
            #expect(try #require(gradients.weight.relativeError(to: expected.1.weight)) <= tolerance, "\(algorithm) weight")
            if let bias = expected.1.bias {
                #expect(try #require(gradients.bias?.relativeError(to: bias)) <= tolerance, "\(algorithm) bias")
            }
        }
    }
}

/// The fast path gives bitwise-identical results whatever the number of threads.
@Suite struct DeterminismTests {
    static let cases: [ConvCase] = [
        // 4,608 output pixels: the weight gradient sums three reduction splits.
        ConvCase(inputShape: [8, 24, 24, 16], weightShape: [3, 3, 16, 32], hasBias: true, options: Conv2DOptions(padding: 1)),
        ConvCase(inputShape: [4, 8, 20, 20], weightShape: [16, 4, 3, 3], hasBias: false,
                 options: Conv2DOptions(stride: 2, padding: .same, groups: 2, layout: .nchw)),
        ConvCase(inputShape: [4, 30, 30, 3], weightShape: [5, 5, 3, 16], hasBias: true,
                 options: Conv2DOptions(padding: 2, paddingMode: .reflect)),
        // 9 row blocks of the weight gradient in one reduction split: 8 bands wanted, 5 exist
        // (the last three bands were empty ranges, which trapped).
        ConvCase(inputShape: [1, 28, 28, 128], weightShape: [3, 3, 128, 8], hasBias: true, options: Conv2DOptions(padding: 1)),
        // The small-channel kernels, input gradient included (zero padding).
        ConvCase(inputShape: [8, 64, 64, 3], weightShape: [7, 7, 3, 16], hasBias: true,
                 options: Conv2DOptions(stride: 2, padding: 3)),
    ]

    @Test(arguments: cases)
    func sameBitsAtAnyThreadCount(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 8)
        let x = try rng.randn(c.inputShape).map { Float($0) }
        let w = try rng.randn(c.weightShape).map { Float($0) }
        let k = c.options.layout == .nhwc ? c.weightShape[3] : c.weightShape[0]
        let b = c.hasBias ? try rng.randn([k]).map { Float($0) } : nil
        var results: [(Tensor<Float>, Conv2DGradients<Float>)] = []
        for threads in [1, 2, 3, 8] {
            var options = c.options
            options.threads = threads
            let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
            results.append((y, try conv2dBackward(y, cache: cache)))
        }
        for (y, gradients) in results.dropFirst() {
            #expect(y == results[0].0)
            #expect(gradients.input == results[0].1.input)
            #expect(gradients.weight == results[0].1.weight)
            #expect(gradients.bias == results[0].1.bias)
        }
    }
}
