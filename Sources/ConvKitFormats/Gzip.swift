import ConvKitCore
import CConvKitZlib
import Foundation

/// Compression and decompression with the system zlib: gzip files (`.gz`) and zlib streams
/// (the format of a PNG's image data).
///
/// ```swift
/// let bytes = try Gzip.inflate(try Data(contentsOf: url), source: url.path)
/// let stream = try Gzip.deflate(bytes)            // zlib format
/// let back = try Gzip.inflateZlib(stream, source: "stream")
/// ```
///
/// Decompression stops with an error once the output would exceed `limit` bytes, so a small
/// hostile file (a "decompression bomb") cannot exhaust memory.
public enum Gzip {
    /// The default output limit of ``inflate(_:source:limit:)`` and ``inflateZlib(_:source:limit:)``:
    /// 1 GiB, well above the 47 MB of MNIST's training images.
    public static let defaultLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Decompresses a gzip file (RFC 1952), including files of several concatenated members
    /// as `gzip` and Python's `gzip` module read them. Zero bytes after the last member are ignored.
    ///
    /// - Parameters:
    ///   - source: what the bytes are, e.g. a file path; it appears in error messages.
    ///   - limit: the largest output accepted, in bytes.
    /// - Throws: ``ConvKitError`` for data that is not gzip, is corrupt or truncated, or would
    ///   decompress to more than `limit` bytes.
    public static func inflate(_ data: Data, source: String = "data", limit: Int = defaultLimit) throws -> Data {
        guard isGzip(data) else {
            let head = data.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ConvKitError(
                "Gzip.inflate", "\(source): not gzip data (starts with [\(head)], expected 1f 8b)")
        }
        return try run(data, format: .gzip, source: source, limit: limit, allowTrailing: false, function: "Gzip.inflate")
    }

    /// The first `count` bytes of a gzip file's content (fewer when it is shorter), without
    /// decompressing the rest: enough to read a header and bound the whole before inflating it.
    ///
    /// - Throws: ``ConvKitError`` for data that is not gzip or is corrupt within those bytes.
    public static func inflatePrefix(_ data: Data, count: Int, source: String = "data") throws -> Data {
        guard isGzip(data) else { return try inflate(data, source: source) }
        return try run(data, format: .gzip, source: source, limit: count, allowTrailing: false, prefixOnly: true,
                       function: "Gzip.inflatePrefix")
    }

    /// Decompresses a zlib stream (RFC 1950), as found in a PNG's `IDAT` chunks.
    ///
    /// - Parameters:
    ///   - source: what the bytes are; it appears in error messages.
    ///   - limit: the largest output accepted, in bytes.
    /// - Throws: ``ConvKitError`` for corrupt or truncated data, bytes after the end of the
    ///   stream, or output of more than `limit` bytes.
    public static func inflateZlib(_ data: Data, source: String = "data", limit: Int = defaultLimit) throws -> Data {
        try run(data, format: .zlib, source: source, limit: limit, allowTrailing: false, function: "Gzip.inflateZlib")
    }

    /// Compresses `data` into a zlib stream (RFC 1950).
    ///
    /// - Parameter level: 0 (store) to 9 (smallest); 6 is zlib's default.
    /// - Throws: ``ConvKitError`` when `level` is outside 0...9.
    public static func deflate(_ data: Data, level: Int = 6) throws -> Data {
        try compress(data, format: .zlib, level: level, function: "Gzip.deflate")
    }

    /// Compresses `data` into a gzip file (RFC 1952), readable by `gunzip` and ``inflate(_:source:limit:)``.
    ///
    /// - Parameter level: 0 (store) to 9 (smallest); 6 is zlib's default.
    /// - Throws: ``ConvKitError`` when `level` is outside 0...9.
    public static func gzip(_ data: Data, level: Int = 6) throws -> Data {
        try compress(data, format: .gzip, level: level, function: "Gzip.gzip")
    }

    /// The CRC-32 of `bytes` (the checksum of gzip, zip and PNG chunks), continuing from `initial`.
    static func crc32<Bytes: Sequence>(_ bytes: Bytes, initial: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        let array = Array(bytes)
        // zlib returns its initial value, 0, for a null buffer: nothing to add keeps `initial`.
        guard !array.isEmpty else { return initial }
        return array.withUnsafeBufferPointer { buffer in
            UInt32(CConvKitZlib.crc32(uLong(initial), buffer.baseAddress, uInt(buffer.count)))
        }
    }

    // MARK: - Implementation

    /// The container around the deflate data, which zlib selects through the window bits.
    enum Format {
        case zlib, gzip

        var windowBits: Int32 { self == .gzip ? 16 + MAX_WBITS : MAX_WBITS }
        var name: String { self == .gzip ? "gzip" : "zlib" }
    }

    /// zlib's `avail_in`/`avail_out` are 32-bit; larger buffers are fed in pieces of this size.
    private static let maximumPiece = Int(UInt32.max)

    /// Inflates `data`, reporting errors as `function`.
    ///
    /// - Parameters:
    ///   - allowTrailing: ignore bytes after the end of a zlib stream (PNG readers do); gzip
    ///     data may only be followed by further members or zero padding.
    ///   - prefixOnly: stop after the first `limit` bytes and return them (fewer when the
    ///     data is shorter) instead of failing at the limit.
    static func run(
        _ data: Data, format: Format, source: String, limit: Int, allowTrailing: Bool, prefixOnly: Bool = false,
        function: String
    ) throws -> Data {
        func failure(_ reason: String) -> ConvKitError {
            ConvKitError(function, "\(source): \(reason)")
        }
        guard limit >= 0 else {
            throw ConvKitError(function, "limit \(limit) must be non-negative (source \(source))")
        }
        var stream = z_stream()
        guard convkit_inflateInit2(&stream, format.windowBits) == Z_OK else {
            throw failure("zlib could not start inflating (out of memory?)")
        }
        defer { inflateEnd(&stream) }

        // One byte beyond the limit is enough to tell that the limit is exceeded.
        let ceiling = limit == Int.max ? limit : limit + 1
        // Data grows in place and is truncated in place at the end: no second copy of the output.
        var output = Data(count: min(ceiling, max(1 << 16, min(data.count, 1 << 26) * 4)))
        var produced = 0
        var consumed = 0
        let input = [UInt8](data)
        try input.withUnsafeBufferPointer { inputBuffer in
            guard let inputBase = inputBuffer.baseAddress else {
                throw failure("no \(format.name) data (0 bytes)")
            }
            while true {
                if produced == output.count {
                    guard output.count < ceiling else {
                        throw failure(
                            "the \(format.name) data decompresses to more than the limit of \(limit) bytes "
                                + "(\(data.count) compressed bytes): refusing a possible decompression bomb")
                    }
                    output.count += min(ceiling - output.count, max(output.count, 1 << 16))
                }
                let pieceIn = min(input.count - consumed, maximumPiece)
                stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                stream.avail_in = uInt(pieceIn)
                var status: Int32 = Z_OK
                let room = min(output.count - produced, maximumPiece)
                output.withUnsafeMutableBytes { outputBuffer in
                    guard let outputBase = outputBuffer.bindMemory(to: UInt8.self).baseAddress else { return }
                    stream.next_out = outputBase + produced
                    stream.avail_out = uInt(room)
                    status = CConvKitZlib.inflate(&stream, Z_NO_FLUSH)
                }
                consumed += pieceIn - Int(stream.avail_in)
                let madeProgress = Int(stream.avail_out) < room || Int(stream.avail_in) < pieceIn
                produced += room - Int(stream.avail_out)
                if prefixOnly && produced >= limit {
                    produced = limit
                    return
                }
                switch status {
                case Z_STREAM_END:
                    // The last piece may fill the buffer's extra byte exactly.
                    guard produced <= limit else {
                        throw failure(
                            "the \(format.name) data decompresses to more than the limit of \(limit) bytes "
                                + "(\(data.count) compressed bytes): refusing a possible decompression bomb")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where madeProgress || (produced == output.count):
                    continue
                case Z_BUF_ERROR:
                    throw failure(
                        "truncated \(format.name) data: the stream ends early after \(data.count) compressed bytes "
                            + "(\(produced) bytes decompressed)")
                case Z_NEED_DICT:
                    throw failure("the \(format.name) stream needs a preset dictionary, which is not supported")
                case Z_MEM_ERROR:
                    throw failure("zlib ran out of memory")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw failure("corrupt \(format.name) data: \(message) (after \(consumed) compressed bytes)")
                }
                // Z_STREAM_END: decide what the remaining bytes are.
                let rest = input[consumed...]
                if rest.isEmpty || allowTrailing { return }
                if format == .gzip {
                    if rest.count >= 2 && rest[rest.startIndex] == 0x1f && rest[rest.startIndex + 1] == 0x8b {
                        guard inflateReset(&stream) == Z_OK else {
                            throw failure("zlib could not restart for the next gzip member")
                        }
                        continue
                    }
                    if rest.allSatisfy({ $0 == 0 }) { return }
                }
                throw failure(
                    "\(rest.count) unexpected bytes after the end of the \(format.name) stream (at offset \(consumed))")
            }
        }
        // The loop above only ends by throwing or at the end of the (last) stream.
        output.count = produced
        return output
    }

    /// Deflates `data` into the given container.
    private static func compress(_ data: Data, format: Format, level: Int, function: String) throws -> Data {
        guard (0...9).contains(level) else {
            throw ConvKitError(function, "level \(level) must be in 0...9")
        }
        var stream = z_stream()
        guard convkit_deflateInit2(&stream, Int32(level), format.windowBits) == Z_OK else {
            throw ConvKitError(function, "zlib could not start deflating (out of memory?)")
        }
        defer { deflateEnd(&stream) }
        let input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(min(input.count, maximumPiece)))) + 64)
        var produced = 0
        var consumed = 0
        while true {
            if produced == output.count {
                output += [UInt8](repeating: 0, count: max(output.count / 2, 1 << 16))
            }
            let pieceIn = min(input.count - consumed, maximumPiece)
            let flush = consumed + pieceIn == input.count ? Z_FINISH : Z_NO_FLUSH
            let room = min(output.count - produced, maximumPiece)
            var status: Int32 = Z_OK
            input.withUnsafeBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    // An empty array may have no storage; zlib accepts a null pointer with avail_in 0.
                    stream.next_in = inputBuffer.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                    stream.avail_in = uInt(pieceIn)
                    stream.next_out = outputBuffer.baseAddress.map { $0 + produced }
                    stream.avail_out = uInt(room)
                    status = CConvKitZlib.deflate(&stream, flush)
                }
            }
            consumed += pieceIn - Int(stream.avail_in)
            produced += room - Int(stream.avail_out)
            if status == Z_STREAM_END { break }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw ConvKitError(function, "zlib failed with status \(status) after \(consumed) of \(input.count) bytes")
            }
        }
        return Data(output[..<produced])
    }
}
