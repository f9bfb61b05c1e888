import CConvKitKernels
import Foundation

/// The fused-multiply-add ceiling of this machine, measured with independent FMA chains in
/// registers: what no convolution can beat.
public enum MachinePeak {
    /// Single-precision GFLOP/s reached by `threads` threads together with the ``KernelISA/active`` kernels.
    public static func measure(threads: Int = 1, isa: KernelISA = .active) -> Double {
        // Calibrate to about 30 ms of work a thread: long against thread start-up, short in tests.
        let calibration = 100_000
        let probeStart = DispatchTime.now().uptimeNanoseconds
        let probe = ck_peak_probe(isa.code, calibration)
        let probeSeconds = max(Double(DispatchTime.now().uptimeNanoseconds - probeStart) / 1e9, 1e-6)
        let iterations = max(calibration, Int(Double(calibration) * 0.03 / probeSeconds))
        let sink = Lock<Float>(0)
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        // Dedicated threads: a dispatch pool may run short tasks one after the other.
        for _ in 0..<max(1, threads) {
            group.enter()
            Thread {
                let value = ck_peak_probe(isa.code, iterations)
                sink.withLock { $0 += value }
                group.leave()
            }.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let flops = Double(ck_peak_flops_per_round(isa.code)) * Double(iterations) * Double(max(1, threads))
        return (sink.withLock { $0 } + probe).isNaN ? 0 : flops / seconds / 1e9
    }
}
