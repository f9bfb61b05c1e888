import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The fast and loop-free algorithms against the reference, on every instruction set this CPU runs.
@Suite struct FastPathTests {
    static let cases = ConvCase.random(count: 60, seed: 31) + ConvCase.edgeCases

    @Test(arguments: cases)
    func convolutionForwardDouble(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 4)
        let x = try rng.randn(c.inputShape)
        let w = try rng.randn(c.weightShape)
        let k = c.options.layout == .nhwc ? c.weightShape[3] : c.weightShape[0]
        let b = c.hasBias ? try rng.randn([k]) : nil
        var reference = c.options
        reference.algorithm = .reference
        let expected = try conv2dForward(x, weight: w, bias: b, options: reference).output
        for isa in KernelISA.supported {
            try KernelISA.withActive(isa) {
                for algorithm in [ConvAlgorithm.fast, .loopFree] {
                    var options = c.options
                    options.algorithm = algorithm
                    let got = try conv2dForward(x, weight: w, bias: b, options: options).output
                    #expect(try #require(got.relativeError(to: expected)) < 1e-12, "\(isa) \(algorithm)")
                }
            }
        }
    }
}

extension FastPathTests {
    @Test(arguments: cases)
    func convolutionBackwardDouble(_ c: ConvCase) throws {
        var rng = NumPyRandomState(seed: 6)
        let x = try rng.randn(c.inputShape)
        let w = try rng.randn(c.weightShape)
        let k = c.options.layout == .nhwc ? c.weightShape[3] : c.weightShape[0]
        let b = c.hasBias ? try rng.randn([k]) : nil
        var reference = c.options
        reference.algorithm = .reference
        let (y, referenceCache) = try conv2dForward(x, weight: w, bias: b, options: reference)
        let dy = try rng.randn(y.shape)
        let expected = try conv2dBackward(dy, cache: referenceCache)
        for isa in KernelISA.supported {
            try KernelISA.withActive(isa) {
                for algorithm in [ConvAlgorithm.fast, .loopFree] {
                    var options = c.options
                    options.algorithm = algorithm
                    let (_, cache) = try conv2dForward(x, weight: w, bias: b, options: options)
                    let got = try conv2dBackward(dy, cache: cache)
                    #expect(try #require(got.input.relativeError(to: expected.input)) < 1e-12, "\(isa) \(algorithm) input")
                    #expect(try #require(got.weight.relativeError(to: expected.weight)) < 1e-12, "\(isa) \(algorithm) weight")
                    if let bias = expected.bias {
                        #expect(try #require(got.bias?.relativeError(to: bias)) < 1e-12, "\(isa) \(algorithm) bias")
                    }
                }
            }
        }
    }
}
