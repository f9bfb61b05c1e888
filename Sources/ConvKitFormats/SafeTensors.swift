import ConvKitCore
import Foundation

/// Reads and writes the safetensors format of Hugging Face: an 8-byte little-endian header
/// length, a JSON header mapping each tensor name to its `dtype`, `shape` and `data_offsets`
/// (plus an optional `__metadata__` map of strings), padded with spaces to a multiple of 8
/// bytes, then the raw little-endian data.
///
/// ```swift
/// try SafeTensors.write(["conv1.weight": NPYArray(w)], metadata: ["epochs": "5"], to: url)
/// let (tensors, metadata) = try SafeTensors.read(contentsOf: url)
/// let weight: Tensor<Float> = try NPZ.member("conv1.weight", of: tensors).floats()
/// ```
///
/// Written files are byte for byte what the Python `safetensors` package writes for the same
/// arrays (`safetensors.numpy.save_file`) when the metadata has at most one key (the package
/// orders metadata keys by hash; ConvKit sorts them).
public enum SafeTensors {
    /// The largest header accepted, in bytes: the limit of the reference implementation.
    public static let maximumHeaderSize = 100_000_000

    /// The key of the metadata map in the header.
    static let metadataKey = "__metadata__"

    // MARK: - Writing

    /// The bytes of a safetensors file holding `tensors` (see ``write(_:metadata:to:)``).
    ///
    /// - Throws: ``ConvKitError`` for an empty tensor name or the reserved name `__metadata__`.
    public static func encode(_ tensors: [String: NPYArray], metadata: [String: String] = [:]) throws -> Data {
        try encode(tensors, metadata: metadata, function: "SafeTensors.encode")
    }

    /// Writes `tensors` and `metadata` to a safetensors file, atomically. Dtypes map as
    /// `float32` → F32, `float64` → F64, `int32` → I32, `int64` → I64, `uint8` → U8, `bool` → BOOL.
    ///
    /// - Throws: ``ConvKitError`` for an empty tensor name, the reserved name `__metadata__`,
    ///   or when the file cannot be written.
    public static func write(_ tensors: [String: NPYArray], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata, function: "SafeTensors.write")
        try AtomicFile.write(data, to: url, function: "SafeTensors.write")
    }

    /// Writes Float tensors (model parameters) to a safetensors file as F32, atomically.
    ///
    /// - Throws: ``ConvKitError`` as the ``NPYArray`` overload does.
    public static func write(_ tensors: [String: Tensor<Float>], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors.mapValues { NPYArray.float32($0) }, metadata: metadata, to: url)
    }

    private static func encode(_ tensors: [String: NPYArray], metadata: [String: String], function: String) throws -> Data {
        if tensors.keys.contains("") {
            throw ConvKitError(function, "a tensor name is empty; every tensor needs a name")
        }
        if tensors.keys.contains(metadataKey) {
            throw ConvKitError(function, "the tensor name '\(metadataKey)' is reserved for the metadata map")
        }
        let ordered = tensors.map { (name: $0.key, array: $0.value, dtype: SafeTensorsDType($0.value)) }
            .sorted { $0.dtype.writeRank != $1.dtype.writeRank ? $0.dtype.writeRank > $1.dtype.writeRank : $0.name < $1.name }
        var header = "{"
        var entries = [String]()
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { JSONValue.quoted($0) + ":" + JSONValue.quoted(metadata[$0] ?? "") }
            entries.append(JSONValue.quoted(metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var payload = [UInt8]()
        payload.reserveCapacity(ordered.reduce(0) { $0 + $1.array.shape.reduce(1, *) * $1.dtype.byteCount })
        for (name, array, dtype) in ordered {
            let begin = payload.count
            appendElements(of: array, to: &payload)
            let shape = array.shape.map(String.init).joined(separator: ",")
            entries.append(
                JSONValue.quoted(name) + ":{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(begin),\(payload.count)]}")
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var file = [UInt8]()
        file.reserveCapacity(8 + headerBytes.count + payload.count)
        storeLittleEndian(UInt64(headerBytes.count), into: &file)
        file += headerBytes
        file += payload
        return Data(file)
    }

    private static func appendElements(of array: NPYArray, to bytes: inout [UInt8]) {
        switch array {
        case .float32(let tensor): for value in tensor.scalars { value.npyStore(into: &bytes) }
        case .float64(let tensor): for value in tensor.scalars { value.npyStore(into: &bytes) }
        case .int32(let tensor): for value in tensor.scalars { value.npyStore(into: &bytes) }
        case .int64(let tensor): for value in tensor.scalars { value.npyStore(into: &bytes) }
        case .uint8(let tensor): bytes += tensor.scalars
        case .bool(let tensor): for value in tensor.scalars { bytes.append(value ? 1 : 0) }
        }
    }

    // MARK: - Reading

    /// Reads a safetensors file (see ``decode(_:source:)``).
    ///
    /// - Throws: ``ConvKitError`` naming the file when it cannot be read or is invalid.
    public static func read(contentsOf url: URL) throws -> (tensors: [String: NPYArray], metadata: [String: String]) {
        let data = try FileInput.read(url, function: "SafeTensors.read")
        return try decode(data, source: url.path, function: "SafeTensors.read")
    }

    /// Decodes the bytes of a safetensors file.
    ///
    /// Dtypes F32, F64, I32, I64, U8 and BOOL map to the ``NPYArray`` case of the same type;
    /// F16 and BF16 widen to `float32`, I8, I16 and U16 to `int32`, U32 to `int64`, and U64
    /// to `int64` when every value fits.
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    /// - Throws: ``ConvKitError`` for a header length beyond ``maximumHeaderSize`` or the file,
    ///   a header that is not a JSON object of valid entries, an unsupported dtype, a size that
    ///   does not match shape × dtype, offsets out of range, overlapping or leaving gaps, or
    ///   bytes not covered by any tensor (the checks of the reference implementation).
    public static func decode(_ data: Data, source: String = "data") throws -> (tensors: [String: NPYArray], metadata: [String: String]) {
        try decode(data, source: source, function: "SafeTensors.decode")
    }

    private struct Entry {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var count: Int
        var begin: Int
        var end: Int
    }

    package static func decode(_ data: Data, source: String, function: String) throws -> (tensors: [String: NPYArray], metadata: [String: String]) {
        do {
            return try decode([UInt8](data))
        } catch let error as SafeTensorsFormatError {
            throw ConvKitError(function, "\(source): \(error.reason)")
        }
    }

    private static func decode(_ bytes: [UInt8]) throws -> (tensors: [String: NPYArray], metadata: [String: String]) {
        guard bytes.count >= 8 else {
            throw SafeTensorsFormatError("truncated file: \(bytes.count) bytes, too short for the 8-byte header length")
        }
        let announced = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard announced <= UInt64(maximumHeaderSize) else {
            throw SafeTensorsFormatError("header length \(announced) exceeds the limit of \(maximumHeaderSize) bytes: not a safetensors file?")
        }
        let headerLength = Int(announced)
        guard headerLength <= bytes.count - 8 else {
            throw SafeTensorsFormatError(
                "truncated file: the header length says \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let headerBytes = bytes[8 ..< 8 + headerLength]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw SafeTensorsFormatError("the header does not start with '{': not a safetensors file")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(headerBytes)
        } catch {
            throw SafeTensorsFormatError("the header is not valid JSON: \(error.reason) at header byte \(error.offset)")
        }
        guard case .object(let members) = root else {
            throw SafeTensorsFormatError("the header is \(root.kind), expected a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataCount = bytes.count - dataStart
        var metadata = [String: String]()
        var entries = [Entry]()
        for (name, value) in members {
            if name == metadataKey {
                metadata = try parseMetadata(value)
            } else {
                entries.append(try parseEntry(name, value, dataCount: dataCount))
            }
        }
        // The reference reader requires the tensors, ordered by offset, to tile the data exactly.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for entry in entries {
            guard entry.begin == position else {
                throw SafeTensorsFormatError(
                    "tensor '\(entry.name)' has data_offsets [\(entry.begin), \(entry.end)] but the previous tensor ends at \(position): "
                        + (entry.begin < position ? "tensors overlap" : "there is a gap of \(entry.begin - position) bytes"))
            }
            position = entry.end
        }
        guard position == dataCount else {
            throw SafeTensorsFormatError(
                "the tensors cover \(position) data bytes but \(dataCount) follow the header: the file has bytes no tensor owns")
        }
        var tensors = [String: NPYArray]()
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            for entry in entries {
                do throws(SafeTensorsFormatError) {
                    tensors[entry.name] = try entry.dtype.array(
                        shape: entry.shape, count: entry.count, from: buffer, at: dataStart + entry.begin)
                } catch {
                    throw SafeTensorsFormatError("tensor '\(entry.name)': \(error.reason)")
                }
            }
        }
        return (tensors, metadata)
    }

    private static func parseMetadata(_ value: JSONValue) throws(SafeTensorsFormatError) -> [String: String] {
        guard case .object(let pairs) = value else {
            throw SafeTensorsFormatError("'\(metadataKey)' is \(value.kind), expected an object of strings")
        }
        var metadata = [String: String]()
        for (key, item) in pairs {
            guard case .string(let text) = item else {
                throw SafeTensorsFormatError("'\(metadataKey)' value of '\(key)' is \(item.kind), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataCount: Int) throws(SafeTensorsFormatError) -> Entry {
        guard case .object(let fields) = value else {
            throw SafeTensorsFormatError("tensor '\(name)' is \(value.kind), expected an object with dtype, shape and data_offsets")
        }
        func field(_ key: String) throws(SafeTensorsFormatError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw SafeTensorsFormatError("tensor '\(name)' has no '\(key)'")
            }
            return found.value
        }
        func integers(_ key: String) throws(SafeTensorsFormatError) -> [Int] {
            let value = try field(key)
            guard case .array(let items) = value else {
                throw SafeTensorsFormatError("tensor '\(name)': '\(key)' is \(value.kind), expected an array of non-negative integers")
            }
            var result = [Int]()
            for item in items {
                guard case .integer(let integer) = item, integer >= 0 else {
                    throw SafeTensorsFormatError("tensor '\(name)': '\(key)' holds \(item.kind == "an integer" ? "a negative integer" : item.kind), expected non-negative integers")
                }
                result.append(integer)
            }
            return result
        }
        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else {
            throw SafeTensorsFormatError("tensor '\(name)': 'dtype' is \(dtypeValue.kind), expected a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsFormatError("tensor '\(name)' has unsupported dtype '\(dtypeName)' (supported: \(SafeTensorsDType.supportedList))")
        }
        let shape = try integers("shape")
        let offsets = try integers("data_offsets")
        guard offsets.count == 2 else {
            throw SafeTensorsFormatError("tensor '\(name)': 'data_offsets' has \(offsets.count) values, expected [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end, end <= dataCount else {
            throw SafeTensorsFormatError(
                "tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(dataCount) data bytes")
        }
        guard let count = Tensor<UInt8>.elementCount(shape) else {
            throw SafeTensorsFormatError("tensor '\(name)' has shape \(shapeString(shape)), too large to address")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow, byteCount == end - begin else {
            throw SafeTensorsFormatError(
                "tensor '\(name)' of shape \(shapeString(shape)) and dtype \(dtype.rawValue) needs \(overflow ? "more than Int.max" : String(byteCount)) bytes "
                    + "but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
    }
}
