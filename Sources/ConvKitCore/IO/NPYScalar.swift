/// An element type that `.npy` files can hold, with its numpy dtype and little-endian layout.
///
/// ConvKit conforms `Float` (`<f4`), `Double` (`<f8`), `Int32` (`<i4`), `Int64` (`<i8`),
/// `Int` (`<i8`), `UInt8` (`|u1`) and `Bool` (`|b1`).
public protocol NPYScalar: Sendable {
    /// The dtype descriptor numpy writes for this type, e.g. `"<f8"`.
    static var npyDescriptor: String { get }
    /// The size of one element in the file, in bytes.
    static var npyByteCount: Int { get }
    /// Reads one element from the `npyByteCount` little-endian bytes at `offset` in `buffer`.
    ///
    /// The caller guarantees that those bytes exist.
    static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Self
    /// Appends this element's `npyByteCount` little-endian bytes to `bytes`.
    func npyStore(into bytes: inout [UInt8])
    /// The ``NPYArray`` case that holds a tensor of this type.
    static func npyArray(_ tensor: Tensor<Self>) -> NPYArray
}

extension NPYScalar where Self: FixedWidthInteger {
    /// The integer's width in bytes.
    public static var npyByteCount: Int { MemoryLayout<Self>.size }

    /// Reads the integer from little-endian bytes.
    public static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Self {
        loadLittleEndian(Self.self, from: buffer, at: offset)
    }

    /// Appends the integer's little-endian bytes.
    public func npyStore(into bytes: inout [UInt8]) { storeLittleEndian(self, into: &bytes) }
}

extension Float: NPYScalar {
    /// The numpy dtype descriptor `<f4`.
    public static var npyDescriptor: String { "<f4" }
    /// The element size in the file, in bytes.
    public static var npyByteCount: Int { 4 }

    /// Reads one element from little-endian bytes.
    public static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: loadLittleEndian(UInt32.self, from: buffer, at: offset))
    }

    /// Appends this element's little-endian bytes.
    public func npyStore(into bytes: inout [UInt8]) { storeLittleEndian(bitPattern, into: &bytes) }

    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Float>) -> NPYArray { .float32(tensor) }
}

extension Double: NPYScalar {
    /// The numpy dtype descriptor `<f8`.
    public static var npyDescriptor: String { "<f8" }
    /// The element size in the file, in bytes.
    public static var npyByteCount: Int { 8 }

    /// Reads one element from little-endian bytes.
    public static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Double {
        Double(bitPattern: loadLittleEndian(UInt64.self, from: buffer, at: offset))
    }

    /// Appends this element's little-endian bytes.
    public func npyStore(into bytes: inout [UInt8]) { storeLittleEndian(bitPattern, into: &bytes) }

    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Double>) -> NPYArray { .float64(tensor) }
}

extension Int32: NPYScalar {
    /// The numpy dtype descriptor `<i4`.
    public static var npyDescriptor: String { "<i4" }
    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Int32>) -> NPYArray { .int32(tensor) }
}

extension Int64: NPYScalar {
    /// The numpy dtype descriptor `<i8`.
    public static var npyDescriptor: String { "<i8" }
    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Int64>) -> NPYArray { .int64(tensor) }
}

/// `Int` is stored as numpy's default integer, `<i8` (ConvKit targets 64-bit platforms).
extension Int: NPYScalar {
    /// The numpy dtype descriptor `<i8`.
    public static var npyDescriptor: String { "<i8" }
    /// The element size in the file, in bytes.
    public static var npyByteCount: Int { 8 }

    /// Reads one element from little-endian bytes.
    public static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Int {
        Int(truncatingIfNeeded: loadLittleEndian(Int64.self, from: buffer, at: offset))
    }

    /// Appends this element's little-endian bytes.
    public func npyStore(into bytes: inout [UInt8]) { storeLittleEndian(Int64(self), into: &bytes) }

    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Int>) -> NPYArray { .int64(tensor.map { Int64($0) }) }
}

/// Reads a little-endian integer at `offset`; the caller guarantees the bytes exist.
package func loadLittleEndian<T: FixedWidthInteger>(
    _ type: T.Type, from buffer: UnsafeRawBufferPointer, at offset: Int
) -> T {
    T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
}

/// Appends the little-endian bytes of an integer.
package func storeLittleEndian<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

extension UInt8: NPYScalar {
    /// The numpy dtype descriptor `|u1`.
    public static var npyDescriptor: String { "|u1" }
    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<UInt8>) -> NPYArray { .uint8(tensor) }
}

extension Bool: NPYScalar {
    /// The numpy dtype descriptor `|b1`.
    public static var npyDescriptor: String { "|b1" }
    /// The element size in the file, in bytes.
    public static var npyByteCount: Int { 1 }

    /// Any non-zero byte reads as `true`, as numpy's `astype(bool)` would.
    public static func npyLoad(from buffer: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        buffer[offset] != 0
    }

    /// Appends this element's little-endian bytes.
    public func npyStore(into bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }

    /// Wraps the tensor in its ``NPYArray`` case.
    public static func npyArray(_ tensor: Tensor<Bool>) -> NPYArray { .bool(tensor) }
}
