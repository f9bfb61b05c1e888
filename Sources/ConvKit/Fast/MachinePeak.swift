import CConvKitKernels
import Foundation

/// The fused-multiply-add ceiling of this machine, measured with independent FMA chains in
/// registers: what no convolution can beat.
public enum MachinePeak {
    /// Single-precision GFLOP/s reached by `threads` threads together with the ``KernelISA/active`` kernels.
    public static func measure(threads: Int = 1, isa: KernelISA = .active) -> Double {
        let iterations = 20_000_000 / max(1, Int(ck_peak_flops_per_round(isa.code)) / 32)
        let sink = Lock<Float>(0)
        let start = DispatchTime.now().uptimeNanoseconds
        // One task per thread, bypassing the pool's work sharing so every thread runs the probe.
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            let value = ck_peak_probe(isa.code, iterations)
            sink.withLock { $0 += value }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let flops = Double(ck_peak_flops_per_round(isa.code)) * Double(iterations) * Double(max(1, threads))
        return sink.withLock { $0 }.isNaN ? 0 : flops / seconds / 1e9
    }
}
