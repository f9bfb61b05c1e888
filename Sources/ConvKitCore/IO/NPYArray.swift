/// The contents of one `.npy` file (or one member of an `.npz` archive): a tensor of one of
/// the dtypes ConvKit reads and writes.
///
/// ```swift
/// let array = try NPY.read(contentsOf: url)
/// let weights: Tensor<Double> = array.floats()   // any dtype, converted
/// let labels = try array.integers()             // integer or Boolean dtypes only
/// ```
public enum NPYArray: Sendable, Equatable {
    /// `<f4` elements.
    case float32(Tensor<Float>)
    /// `<f8` elements.
    case float64(Tensor<Double>)
    /// `<i4` elements.
    case int32(Tensor<Int32>)
    /// `<i8` elements (also what `Tensor<Int>` is stored as).
    case int64(Tensor<Int64>)
    /// `|u1` elements.
    case uint8(Tensor<UInt8>)
    /// `|b1` elements.
    case bool(Tensor<Bool>)

    /// Wraps a tensor in the case of its element type; `Tensor<Int>` becomes ``int64(_:)``.
    public init<T: NPYScalar>(_ tensor: Tensor<T>) {
        self = T.npyArray(tensor)
    }

    /// The shape of the array.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): tensor.shape
        case .float64(let tensor): tensor.shape
        case .int32(let tensor): tensor.shape
        case .int64(let tensor): tensor.shape
        case .uint8(let tensor): tensor.shape
        case .bool(let tensor): tensor.shape
        }
    }

    /// The numpy dtype descriptor the array is written with: `"<f4"`, `"<f8"`, `"<i4"`,
    /// `"<i8"`, `"|u1"` or `"|b1"`.
    public var dtype: String {
        switch self {
        case .float32: Float.npyDescriptor
        case .float64: Double.npyDescriptor
        case .int32: Int32.npyDescriptor
        case .int64: Int64.npyDescriptor
        case .uint8: UInt8.npyDescriptor
        case .bool: Bool.npyDescriptor
        }
    }

    /// The elements converted to a floating-point type, like numpy's `astype`: integers are
    /// rounded to the nearest representable value and Booleans become 0 or 1.
    public func floats<T: ConvKitFloat>(_ type: T.Type = T.self) -> Tensor<T> {
        switch self {
        case .float32(let tensor): tensor.map { T($0) }
        case .float64(let tensor): tensor.map { T($0) }
        case .int32(let tensor): tensor.map { T($0) }
        case .int64(let tensor): tensor.map { T($0) }
        case .uint8(let tensor): tensor.map { T($0) }
        case .bool(let tensor): tensor.map { $0 ? 1 : 0 }
        }
    }

    /// The elements as `Int`, for integer and Boolean dtypes (Booleans become 0 or 1).
    ///
    /// - Throws: ``ConvKitError`` for floating-point dtypes, which would need rounding.
    public func integers() throws -> Tensor<Int> {
        switch self {
        case .float32, .float64:
            throw ConvKitError(
                "NPYArray.integers",
                "dtype \(dtype) of the array of shape \(shapeString(shape)) is not an integer type")
        case .int32(let tensor): return tensor.map { Int($0) }
        case .int64(let tensor): return tensor.map { Int($0) }
        case .uint8(let tensor): return tensor.map { Int($0) }
        case .bool(let tensor): return tensor.map { $0 ? 1 : 0 }
        }
    }
}
