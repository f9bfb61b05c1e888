import Testing
@testable import ConvKit

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
            KernelISA.active = isa
            let got = try conv2dForward(x, weight: w, bias: b, options: c.options).output
            #expect(try #require(got.relativeError(to: expected)) < 1e-12, "\(isa)")
        }
        KernelISA.active = .detected
    }
}
