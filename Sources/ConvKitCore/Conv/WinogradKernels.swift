import CConvKitKernels

/// The Winograd transforms of CConvKitKernels (ck_winograd_f2x3_*) for Float and Double.
struct WinogradKernels<T> {
    let isa: Int32

    init(_ policy: KernelPolicy) { isa = policy.code }

    func weights(c0: Int, c1: Int, c: Int, k: Int, w: UnsafePointer<T>, u: UnsafeMutablePointer<T>, uStride: Int, nr: Int) {
        let (w, u) = (UnsafeRawPointer(w), UnsafeMutableRawPointer(u))
        if T.self == Float.self {
            ck_winograd_f2x3_weights_f32(isa, c0, c1, c, k, w.assumingMemoryBound(to: Float.self), u.assumingMemoryBound(to: Float.self), uStride, nr)
        } else {
            ck_winograd_f2x3_weights_f64(isa, c0, c1, c, k, w.assumingMemoryBound(to: Double.self), u.assumingMemoryBound(to: Double.self), uStride, nr)
        }
    }

    func input(tiles: Int, c: Int, pixels: UnsafePointer<UnsafePointer<T>>, v: UnsafeMutablePointer<T>, ldv: Int) {
        let (pixels, v) = (UnsafeRawPointer(pixels), UnsafeMutableRawPointer(v))
        if T.self == Float.self {
            ck_winograd_f2x3_input_f32(
                isa, tiles, c, pixels.assumingMemoryBound(to: UnsafePointer<Float>?.self), v.assumingMemoryBound(to: Float.self), ldv)
        } else {
            ck_winograd_f2x3_input_f64(
                isa, tiles, c, pixels.assumingMemoryBound(to: UnsafePointer<Double>?.self), v.assumingMemoryBound(to: Double.self), ldv)
        }
    }

    func gradient(tiles: Int, k: Int, pixels: UnsafePointer<UnsafePointer<T>?>, e: UnsafeMutablePointer<T>, xiStride: Int, panelStride: Int, nr: Int) {
        let (pixels, e) = (UnsafeRawPointer(pixels), UnsafeMutableRawPointer(e))
        if T.self == Float.self {
            ck_winograd_f2x3_gradient_f32(
                isa, tiles, k, pixels.assumingMemoryBound(to: UnsafePointer<Float>?.self), e.assumingMemoryBound(to: Float.self), xiStride, panelStride, nr)
        } else {
            ck_winograd_f2x3_gradient_f64(
                isa, tiles, k, pixels.assumingMemoryBound(to: UnsafePointer<Double>?.self), e.assumingMemoryBound(to: Double.self), xiStride, panelStride, nr)
        }
    }

    func weightGradient(c0: Int, c1: Int, c: Int, k: Int, m: UnsafePointer<T>, xiStride: Int, dw: UnsafeMutablePointer<T>) {
        let (m, dw) = (UnsafeRawPointer(m), UnsafeMutableRawPointer(dw))
        if T.self == Float.self {
            ck_winograd_f2x3_weight_gradient_f32(isa, c0, c1, c, k, m.assumingMemoryBound(to: Float.self), xiStride, dw.assumingMemoryBound(to: Float.self))
        } else {
            ck_winograd_f2x3_weight_gradient_f64(isa, c0, c1, c, k, m.assumingMemoryBound(to: Double.self), xiStride, dw.assumingMemoryBound(to: Double.self))
        }
    }

    func output(tiles: Int, k: Int, m: UnsafePointer<T>, ldm: Int, pixels: UnsafePointer<UnsafeMutablePointer<T>?>, bias: UnsafePointer<T>?) {
        let (m, pixels, bias) = (UnsafeRawPointer(m), UnsafeRawPointer(pixels), bias.map(UnsafeRawPointer.init))
        if T.self == Float.self {
            ck_winograd_f2x3_output_f32(
                isa, tiles, k, m.assumingMemoryBound(to: Float.self), ldm, pixels.assumingMemoryBound(to: UnsafeMutablePointer<Float>?.self),
                bias?.assumingMemoryBound(to: Float.self))
        } else {
            ck_winograd_f2x3_output_f64(
                isa, tiles, k, m.assumingMemoryBound(to: Double.self), ldm, pixels.assumingMemoryBound(to: UnsafeMutablePointer<Double>?.self),
                bias?.assumingMemoryBound(to: Double.self))
        }
    }
}
