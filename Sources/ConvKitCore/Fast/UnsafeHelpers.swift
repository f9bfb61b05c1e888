/// Calls `body` with a buffer over `array`, or with `nil` when there is no array.
func withUnsafeBufferPointer<T, Result>(
    to array: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> Result
) rethrows -> Result {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0) }
}

extension Conv2DGeometry {
    /// Threads worth using: one for calls too small to repay waking the workers (about 20 µs).
    func threads(_ requested: Int?) -> Int {
        flops < 4e6 ? 1 : max(1, requested ?? ConvKitRuntime.threads)
    }
}

extension UnsafePointer {
    /// The same memory as Float, for kernels that exist only in single precision; the caller
    /// has checked that `Pointee` is Float.
    var asFloat: UnsafePointer<Float> { UnsafeRawPointer(self).assumingMemoryBound(to: Float.self) }
    /// The same memory as Double; the caller has checked that `Pointee` is Double.
    var asDouble: UnsafePointer<Double> { UnsafeRawPointer(self).assumingMemoryBound(to: Double.self) }
}

extension UnsafeMutablePointer {
    /// The same memory as Float; the caller has checked that `Pointee` is Float.
    var asFloat: UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: Float.self) }
    /// The same memory as Double; the caller has checked that `Pointee` is Double.
    var asDouble: UnsafeMutablePointer<Double> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: Double.self) }
}
