import CConvKitKernels

/// The kernels one call runs, decided once at its call site from ``KernelISA/active``: the
/// instruction set (whose tiles `PackedGEMM` reads from the kernel table) and which kernel
/// families exist for it.
///
/// Every fast path takes its kernels from the policy it was handed, so a call never mixes
/// instruction sets and no kernel runs on a CPU that lacks its instructions (the C dispatcher
/// caps the request at ``KernelISA/detected`` as well).
struct KernelPolicy: Sendable {
    let isa: KernelISA

    /// The policy for a call starting now.
    static var current: KernelPolicy { KernelPolicy(isa: .active) }

    init(isa: KernelISA) { self.isa = min(isa, KernelISA.detected) }

    /// The instruction set's code for the C entry points.
    var code: Int32 { isa.code }
}
