import Foundation

/// Reads and writes numpy's `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// ```swift
/// let array = try NPY.read(contentsOf: URL(fileURLWithPath: "x.npy"))
/// try NPY.write(try Tensor<Double>(zeros: [2, 3]), to: URL(fileURLWithPath: "zeros.npy"))
/// ```
///
/// Reading accepts the dtypes of ``NPYArray`` in either byte order (big-endian data is
/// converted) and Fortran-ordered arrays (converted to row-major order). Anything else,
/// and every malformed or truncated file, throws a ``ConvKitError`` that names the source.
public enum NPY {
    /// The six bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// numpy pads headers so that the data starts at a multiple of this many bytes.
    static let alignment = 64

    /// Decodes the bytes of an `.npy` file.
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    /// - Throws: ``ConvKitError`` for a bad magic string, an unsupported version or dtype, a
    ///   malformed, truncated or oversized header, or missing data bytes.
    public static func decode(_ data: Data, source: String = "data") throws -> NPYArray {
        try decode(data, source: source, function: "NPY.decode")
    }

    /// Reads an `.npy` file.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be read or is not a supported `.npy` file.
    public static func read(contentsOf url: URL) throws -> NPYArray {
        let data = try FileInput.read(url, function: "NPY.read")
        return try decode(data, source: url.path, function: "NPY.read")
    }

    /// The bytes of an `.npy` file holding `tensor`: version 1.0, or 2.0 when the header is
    /// longer than 1.0's 16-bit length field allows. Byte for byte what numpy 2's `np.save` writes.
    public static func encode<T: NPYScalar>(_ tensor: Tensor<T>) -> Data {
        encode(tensor, version: nil)
    }

    /// The bytes of an `.npy` file holding `array`: the same as encoding the wrapped tensor.
    public static func encode(_ array: NPYArray) -> Data {
        switch array {
        case .float32(let tensor): encode(tensor)
        case .float64(let tensor): encode(tensor)
        case .int32(let tensor): encode(tensor)
        case .int64(let tensor): encode(tensor)
        case .uint8(let tensor): encode(tensor)
        case .bool(let tensor): encode(tensor)
        }
    }

    /// Writes `tensor` to an `.npy` file, atomically: readers see the old file or the new one.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be written.
    public static func write<T: NPYScalar>(_ tensor: Tensor<T>, to url: URL) throws {
        try AtomicFile.write(encode(tensor), to: url, function: "NPY.write")
    }

    /// Writes `array` to an `.npy` file, atomically.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be written.
    public static func write(_ array: NPYArray, to url: URL) throws {
        try AtomicFile.write(encode(array), to: url, function: "NPY.write")
    }

    // MARK: - Encoding

    /// Encodes with a given major version (1 or 2), or the smallest that fits when nil.
    static func encode<T: NPYScalar>(_ tensor: Tensor<T>, version: UInt8?) -> Data {
        let header = NPYHeader(descriptor: T.npyDescriptor, fortranOrder: false, shape: tensor.shape)
        let text = Array(header.dictionaryText.utf8)
        var major = version ?? 1
        var (lengthFieldSize, padding) = layout(headerCount: text.count, major: major)
        if major == 1 && text.count + padding + 1 > Int(UInt16.max) {
            major = 2
            (lengthFieldSize, padding) = layout(headerCount: text.count, major: major)
        }
        let headerLength = text.count + padding + 1
        var bytes = magic + [major, 0]
        bytes.reserveCapacity(8 + lengthFieldSize + headerLength + tensor.count * T.npyByteCount)
        if lengthFieldSize == 2 {
            storeLittleEndian(UInt16(truncatingIfNeeded: headerLength), into: &bytes)
        } else {
            storeLittleEndian(UInt32(truncatingIfNeeded: headerLength), into: &bytes)
        }
        bytes += text
        bytes += [UInt8](repeating: 0x20, count: padding)
        bytes.append(0x0a)
        for scalar in tensor.scalars { scalar.npyStore(into: &bytes) }
        return Data(bytes)
    }

    /// The length-field size and the number of padding spaces numpy's `_wrap_header` uses.
    private static func layout(headerCount: Int, major: UInt8) -> (lengthFieldSize: Int, padding: Int) {
        let lengthFieldSize = major == 1 ? 2 : 4
        let unpadded = magic.count + 2 + lengthFieldSize + headerCount + 1
        return (lengthFieldSize, alignment - unpadded % alignment)
    }

    // MARK: - Decoding

    /// Decodes an `.npy` file, reporting errors as `function` with `source`.
    package static func decode(_ data: Data, source: String, function: String) throws -> NPYArray {
        func failure(_ reason: String) -> ConvKitError {
            ConvKitError(function, "\(source): \(reason)")
        }
        let preamble = [UInt8](data.prefix(12))
        guard preamble.starts(with: magic) else {
            if magic.starts(with: preamble) {
                throw failure("truncated file: only \(data.count) bytes, too short for an .npy preamble")
            }
            throw failure(
                "bad magic string \(NPYHeader.quoted(Array(preamble.prefix(6)))), expected \"\\x93NUMPY\": not an .npy file")
        }
        guard preamble.count >= 8 else {
            throw failure("truncated file: only \(data.count) bytes, too short for an .npy preamble")
        }
        let major = preamble[6]
        let minor = preamble[7]
        guard (1...3).contains(major), minor == 0 else {
            throw failure("unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are supported)")
        }
        let lengthFieldSize = major == 1 ? 2 : 4
        let prefixLength = 8 + lengthFieldSize
        guard preamble.count >= prefixLength else {
            throw failure(
                "truncated file: only \(data.count) bytes, too short for a version \(major).0 preamble of \(prefixLength) bytes")
        }
        let headerLength = preamble[8..<prefixLength].reversed().reduce(0) { $0 << 8 | Int($1) }
        let afterPrefix = data.count - prefixLength
        guard headerLength <= afterPrefix else {
            throw failure("truncated header: the preamble announces \(headerLength) header bytes but only \(afterPrefix) follow")
        }
        let headerStart = data.startIndex + prefixLength
        let headerBytes = [UInt8](data[headerStart ..< headerStart + headerLength])
        let header: NPYHeader
        do {
            header = try NPYHeader.parse(headerBytes, utf8: major == 3)
        } catch {
            throw failure(error.reason)
        }
        guard let dataType = NPYDataType(descriptor: header.descriptor) else {
            throw failure(
                "unsupported dtype '\(header.descriptor)' (supported: \(NPYDataType.supportedList), either byte order)")
        }
        let shape = header.shape
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw failure("header shape \(shapeString(shape)) has a negative axis")
        }
        // Even when an axis is 0, the other axes must multiply without overflow, or strides
        // computed later would trap.
        var nonZeroProduct = dataType.kind.byteCount
        for size in shape where size > 0 {
            let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw failure("header shape \(shapeString(shape)) of \(header.descriptor) is too large to address")
            }
            nonZeroProduct = product
        }
        let count = shape.contains(0) ? 0 : nonZeroProduct / dataType.kind.byteCount
        let byteCount = count * dataType.kind.byteCount
        let available = afterPrefix - headerLength
        guard byteCount <= available else {
            throw failure(
                "header says shape \(shapeString(shape)) of \(header.descriptor) (\(byteCount) bytes) but only \(available) data bytes follow")
        }
        var payload = [UInt8](data[(headerStart + headerLength)...].prefix(byteCount))
        if dataType.bigEndian {
            let width = dataType.kind.byteCount
            for start in stride(from: 0, to: payload.count, by: width) {
                payload[start ..< start + width].reverse()
            }
        }
        let layout = Layout(shape: shape, count: count, fortranOrder: header.fortranOrder)
        switch dataType.kind {
        case .float32: return .float32(try layout.tensor(Float.self, from: payload))
        case .float64: return .float64(try layout.tensor(Double.self, from: payload))
        case .int32: return .int32(try layout.tensor(Int32.self, from: payload))
        case .int64: return .int64(try layout.tensor(Int64.self, from: payload))
        case .uint8: return .uint8(try layout.tensor(UInt8.self, from: payload))
        case .bool: return .bool(try layout.tensor(Bool.self, from: payload))
        }
    }

    /// The validated shape and memory order of a payload.
    private struct Layout {
        var shape: [Int]
        var count: Int
        var fortranOrder: Bool

        /// Reads `count` little-endian elements (the caller checked that the bytes exist)
        /// and reorders Fortran-ordered data into row-major order.
        func tensor<T: NPYScalar>(_ type: T.Type, from payload: [UInt8]) throws -> Tensor<T> {
            let scalars = payload.withUnsafeBytes { buffer in
                (0..<count).map { T.npyLoad(from: buffer, at: $0 * T.npyByteCount) }
            }
            guard fortranOrder, shape.count > 1 else {
                return Tensor(uncheckedShape: shape, scalars: scalars)
            }
            // Column-major data is the row-major layout of the reversed shape; transposing
            // it back gives the array numpy means.
            let stored = Tensor(uncheckedShape: shape.reversed(), scalars: scalars)
            return try stored.transposed(Array((0..<shape.count).reversed()))
        }
    }
}
