/// The running-maximum step of max pooling, written so that the optimiser vectorises it: the
/// gradients of `.all` and `.splitEvenly` recompute each window's maximum with it.
///
/// `out[i] = v[i]` where `v` is larger, or is NaN while `out[i]` is not, for i < n: scanning
/// taps in order this keeps the first maximum, NaN being the largest. The choice is a bit mask
/// rather than a conditional: `out[i] = take ? v : out[i]` becomes a conditional store, which
/// SSE2 cannot vectorise.

/// Float and Double, seen through their bits.
protocol PoolFloatBits: BinaryFloatingPoint {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
}

extension Float: PoolFloatBits {}
extension Double: PoolFloatBits {}

@inline(__always)
func poolMaxStep<T: ConvKitFloat>(_ out: UnsafeMutablePointer<T>, _ v: UnsafePointer<T>, _ n: Int) {
    if T.self == Float.self {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Float.self), n)
    } else {
        poolMaxStepBits(
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self),
            UnsafeRawPointer(v).assumingMemoryBound(to: Double.self), n)
    }
}

@inline(__always)
func poolMaxStepBits<F: PoolFloatBits>(_ out: UnsafeMutablePointer<F>, _ v: UnsafePointer<F>, _ n: Int) {
    for i in 0..<n {
        let (value, best) = (v[i], out[i])
        // All ones where `value` replaces `best`, else zero.
        let m: F.Bits = value <= best ? 0 : (best == best ? ~0 : 0)
        out[i] = F(bitPattern: (value.bitPattern & m) | (best.bitPattern & ~m))
    }
}
