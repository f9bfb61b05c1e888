/// The running-maximum step of max pooling, written so that the optimiser vectorises it.
///
/// `out[i] = v[i · stride]` (and `a[i] = tap`) where `v` is larger, or is NaN while `out[i]` is
/// not, for i < n: scanning taps in order this keeps the first maximum, NaN being the largest.
/// The choice is a bit mask rather than a conditional: `out[i] = take ? v : out[i]` becomes a
/// conditional store, which SSE2 cannot vectorise.

/// Float and Double, seen through their bits.
protocol PoolFloatBits: BinaryFloatingPoint {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
}

extension Float: PoolFloatBits {}
extension Double: PoolFloatBits {}

/// The step with the argmax kept in `taps`, a scratch row of T's width (UInt32 for Float,
/// UInt64 for Double), so that the choice needs no narrowing; ``poolNarrowTaps`` stores it.
@inline(__always)
func poolMaxStep<T: ConvKitFloat>(
    _ out: UnsafeMutablePointer<T>, _ taps: UnsafeMutableRawPointer, _ v: UnsafePointer<T>, _ stride: Int, _ tap: Int, _ n: Int
) {
    if T.self == Float.self {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), taps.assumingMemoryBound(to: UInt32.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Float.self), stride, UInt32(truncatingIfNeeded: tap), n)
    } else {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), taps.assumingMemoryBound(to: UInt64.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Double.self), stride, UInt64(truncatingIfNeeded: tap), n)
    }
}

/// Fills n taps of the scratch row with `tap`.
@inline(__always)
func poolFillTaps<T: ConvKitFloat>(_ taps: UnsafeMutableRawPointer, as: T.Type, _ tap: Int, _ n: Int) {
    if T.self == Float.self {
        taps.assumingMemoryBound(to: UInt32.self).initialize(repeating: UInt32(truncatingIfNeeded: tap), count: n)
    } else {
        taps.assumingMemoryBound(to: UInt64.self).initialize(repeating: UInt64(truncatingIfNeeded: tap), count: n)
    }
}

/// Copies n taps of the scratch row to the argmax.
@inline(__always)
func poolNarrowTaps<T: ConvKitFloat, I: FixedWidthInteger>(
    _ taps: UnsafeMutableRawPointer, as: T.Type, _ a: UnsafeMutablePointer<I>, _ n: Int
) {
    if T.self == Float.self {
        let wide = taps.assumingMemoryBound(to: UInt32.self)
        for i in 0..<n { a[i] = I(truncatingIfNeeded: wide[i]) }
    } else {
        let wide = taps.assumingMemoryBound(to: UInt64.self)
        for i in 0..<n { a[i] = I(truncatingIfNeeded: wide[i]) }
    }
}

@inline(__always)
func poolMaxStep<T: ConvKitFloat>(_ out: UnsafeMutablePointer<T>, _ v: UnsafePointer<T>, _ stride: Int, _ n: Int) {
    if T.self == Float.self {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Float.self), stride, n)
    } else {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Double.self), stride, n)
    }
}

/// All ones where `value` replaces `best`, else zero.
@inline(__always)
func poolTakeMask<F: PoolFloatBits>(_ value: F, _ best: F) -> F.Bits {
    value <= best ? 0 : (best == best ? ~0 : 0)
}

@inline(__always)
func poolMaxStepBits<F: PoolFloatBits>(
    _ out: UnsafeMutablePointer<F>, _ a: UnsafeMutablePointer<F.Bits>, _ v: UnsafePointer<F>, _ stride: Int, _ tap: F.Bits, _ n: Int
) {
    if stride == 1 {
        for i in 0..<n {
            let (value, best, old) = (v[i], out[i], a[i])
            let m = poolTakeMask(value, best)
            out[i] = F(bitPattern: (value.bitPattern & m) | (best.bitPattern & ~m))
            a[i] = (tap & m) | (old & ~m)
        }
    } else {
        for i in 0..<n {
            let (value, best, old) = (v[i * stride], out[i], a[i])
            let m = poolTakeMask(value, best)
            out[i] = F(bitPattern: (value.bitPattern & m) | (best.bitPattern & ~m))
            a[i] = (tap & m) | (old & ~m)
        }
    }
}

@inline(__always)
func poolMaxStepBits<F: PoolFloatBits>(_ out: UnsafeMutablePointer<F>, _ v: UnsafePointer<F>, _ stride: Int, _ n: Int) {
    if stride == 1 {
        for i in 0..<n {
            let (value, best) = (v[i], out[i])
            let m = poolTakeMask(value, best)
            out[i] = F(bitPattern: (value.bitPattern & m) | (best.bitPattern & ~m))
        }
    } else {
        for i in 0..<n {
            let (value, best) = (v[i * stride], out[i])
            let m = poolTakeMask(value, best)
            out[i] = F(bitPattern: (value.bitPattern & m) | (best.bitPattern & ~m))
        }
    }
}
