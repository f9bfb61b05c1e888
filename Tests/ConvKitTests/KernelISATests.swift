import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

@Suite struct KernelISATests {
    @Test func environmentForcesAnInstructionSet() {
        #expect(KernelISA.fromEnvironment(["CONVKIT_ISA": "generic"]) == .generic)
        #expect(KernelISA.fromEnvironment(["CONVKIT_ISA": "avx2"]) == min(.avx2, KernelISA.detected))
        #expect(KernelISA.fromEnvironment(["CONVKIT_ISA": "avx512"]) == KernelISA.detected)
        #expect(KernelISA.fromEnvironment(["CONVKIT_ISA": "sse9"]) == KernelISA.detected)
        #expect(KernelISA.fromEnvironment([:]) == KernelISA.detected)
    }

    @Test func taskOverrideIsScopedToTheTask() {
        let outside = KernelISA.active
        KernelISA.withActive(.generic) { #expect(KernelISA.active == .generic) }
        #expect(KernelISA.active == outside)
    }

    @Test func peakProbeMeasuresSomething() {
        // A sanity bound, not a speed assertion: any CPU does more than 0.1 GFLOP/s.
        #expect(MachinePeak.measure(threads: 1, isa: .generic) > 0.1)
    }
}
