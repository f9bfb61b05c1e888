import ConvKitCore
/// The safetensors dtypes ConvKit reads, with their element sizes and how they map to
/// ``NPYArray`` cases.
enum SafeTensorsDType: String, CaseIterable {
    case bool = "BOOL", uint8 = "U8", int8 = "I8", int16 = "I16", uint16 = "U16", float16 = "F16",
        bfloat16 = "BF16", int32 = "I32", uint32 = "U32", float32 = "F32", float64 = "F64",
        int64 = "I64", uint64 = "U64"

    /// Bytes per element.
    var byteCount: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The safetensors package writes tensors in descending order of this rank (its `Dtype`
    /// enum order), then by name; ConvKit does the same so that files match byte for byte.
    var writeRank: Int {
        switch self {
        case .bool: 0
        case .uint8: 1
        case .int8: 2
        case .int16: 3
        case .uint16: 4
        case .float16: 5
        case .bfloat16: 6
        case .int32: 7
        case .uint32: 8
        case .float32: 9
        case .float64: 10
        case .int64: 11
        case .uint64: 12
        }
    }

    /// The dtype an ``NPYArray`` is written as.
    init(_ array: NPYArray) {
        switch array {
        case .float32: self = .float32
        case .float64: self = .float64
        case .int32: self = .int32
        case .int64: self = .int64
        case .uint8: self = .uint8
        case .bool: self = .bool
        }
    }

    /// The supported names, for error messages.
    static let supportedList = allCases.map(\.rawValue).joined(separator: ", ")

    /// The elements of `count` little-endian values starting at `offset` of `buffer`, as the
    /// closest ``NPYArray`` case: F16 and BF16 widen to Float, I8, I16 and U16 to Int32, U32 to
    /// Int64; U64 must fit in Int64. The caller checked that the bytes exist.
    func array(shape: [Int], count: Int, from buffer: UnsafeRawBufferPointer, at offset: Int) throws(SafeTensorsFormatError) -> NPYArray {
        func load<T: FixedWidthInteger>(_ type: T.Type) -> [T] {
            (0..<count).map { loadLittleEndian(T.self, from: buffer, at: offset + $0 * MemoryLayout<T>.size) }
        }
        switch self {
        case .bool: return .bool(Tensor(uncheckedShape: shape, scalars: load(UInt8.self).map { $0 != 0 }))
        case .uint8: return .uint8(Tensor(uncheckedShape: shape, scalars: load(UInt8.self)))
        case .int8: return .int32(Tensor(uncheckedShape: shape, scalars: load(Int8.self).map(Int32.init)))
        case .int16: return .int32(Tensor(uncheckedShape: shape, scalars: load(Int16.self).map(Int32.init)))
        case .uint16: return .int32(Tensor(uncheckedShape: shape, scalars: load(UInt16.self).map(Int32.init)))
        case .float16:
            return .float32(Tensor(uncheckedShape: shape, scalars: load(UInt16.self).map(Self.halfToFloat)))
        case .bfloat16:
            // bfloat16 is the upper half of a float32.
            return .float32(Tensor(uncheckedShape: shape, scalars: load(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }))
        case .int32: return .int32(Tensor(uncheckedShape: shape, scalars: load(Int32.self)))
        case .uint32: return .int64(Tensor(uncheckedShape: shape, scalars: load(UInt32.self).map(Int64.init)))
        case .float32: return .float32(Tensor(uncheckedShape: shape, scalars: load(UInt32.self).map(Float.init(bitPattern:))))
        case .float64: return .float64(Tensor(uncheckedShape: shape, scalars: load(UInt64.self).map(Double.init(bitPattern:))))
        case .int64: return .int64(Tensor(uncheckedShape: shape, scalars: load(Int64.self)))
        case .uint64:
            let values = load(UInt64.self)
            if let large = values.first(where: { $0 > UInt64(Int64.max) }) {
                throw SafeTensorsFormatError("U64 value \(large) does not fit in Int64")
            }
            return .int64(Tensor(uncheckedShape: shape, scalars: values.map { Int64($0) }))
        }
    }

    /// IEEE 754 binary16 to Float, exactly (every half value is a float value).
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int(bits >> 10 & 0x1f)
        let fraction = Float(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24          // zero and subnormals
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// Why a safetensors file was rejected; the reader adds the function and source.
struct SafeTensorsFormatError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
