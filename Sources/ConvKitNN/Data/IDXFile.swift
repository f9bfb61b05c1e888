import ConvKitCore
import ConvKitFormats
import Foundation

/// An IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST: two zero bytes, the
/// element type (0x08 = unsigned byte), the number of dimensions, each dimension as a
/// big-endian 32-bit integer, then the elements in row-major order.
///
/// Image files have three dimensions `[N, rows, columns]` (magic number 2051 = 0x00000803),
/// label files one `[N]` (2049 = 0x00000801). Gzipped files are recognised by their content.
struct IDXFile: Equatable {
    /// The size of each dimension.
    var dimensions: [Int]
    /// The elements.
    var bytes: [UInt8]

    /// Reads and validates a file, gzipped or not.
    ///
    /// - Parameters:
    ///   - rank: the number of dimensions expected (3 for images, 1 for labels).
    ///   - role: "images" or "labels", for messages.
    /// - Throws: ``ConvKitError`` naming the file when it is unreadable, corrupt, truncated,
    ///   has trailing bytes, another element type or another rank.
    static func read(contentsOf url: URL, rank: Int, role: String, function: String) throws -> IDXFile {
        let data = try FileInput.read(url, function: function, role: "\(role) file")
        return try decode(data, rank: rank, role: role, source: url.path, function: function)
    }

    /// Decodes the bytes of a file (see ``read(contentsOf:rank:role:function:)``).
    ///
    /// A gzipped file is inflated only as far as its header says: the header comes first, then
    /// exactly the bytes its dimensions need, so a small file cannot inflate without bound.
    static func decode(_ data: Data, rank: Int, role: String, source: String, function: String) throws -> IDXFile {
        func failure(_ reason: String) -> ConvKitError {
            ConvKitError(function, "\(role) file \(source): \(reason)")
        }
        let headerLength = 4 + 4 * rank
        var raw = data
        if Gzip.isGzip(data) {
            do {
                let head = [UInt8](try Gzip.inflatePrefix(data, count: headerLength, source: "\(role) file \(source)"))
                let count = try header(head, rank: rank, role: role, failure: failure).count
                try ResourceLimits.check(elements: count, of: 1, what: "\(role) file \(source)", in: function)
                raw = try Gzip.inflate(data, source: "\(role) file \(source)", limit: headerLength + count)
            } catch let error as ConvKitError {
                throw ConvKitError(function, error.reason)
            }
        }
        let bytes = [UInt8](raw)
        let (dimensions, count) = try header(bytes, rank: rank, role: role, failure: failure)
        let available = bytes.count - headerLength
        guard available >= count else {
            throw failure(
                "truncated: dimensions \(shapeString(dimensions)) need \(count) bytes of data but only \(available) follow the header")
        }
        guard available == count else {
            throw failure("\(available - count) unexpected bytes after the \(count) bytes of dimensions \(shapeString(dimensions))")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(bytes[headerLength...]))
    }

    /// Checks the header at the start of `bytes`: the dimensions it announces and their product.
    private static func header(
        _ bytes: [UInt8], rank: Int, role: String, failure: (String) -> ConvKitError
    ) throws -> (dimensions: [Int], count: Int) {
        let magic = 0x800 + rank
        guard bytes.count >= 4 else {
            throw failure("truncated: \(bytes.count) bytes, too short for the 4-byte IDX magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw failure(
                "not an IDX file: it starts with \(bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")), "
                    + "expected the magic number \(magic) (00 00 08 0\(rank))")
        }
        guard bytes[2] == 0x08 else {
            let names: [UInt8: String] = [0x09: "signed byte", 0x0b: "short", 0x0c: "int", 0x0d: "float", 0x0e: "double"]
            throw failure(
                "element type 0x\(String(format: "%02x", bytes[2])) (\(names[bytes[2]] ?? "unknown")) is not supported; "
                    + "expected 0x08 (unsigned byte)")
        }
        guard Int(bytes[3]) == rank else {
            throw failure(
                "\(bytes[3]) dimensions (magic number \(0x800 + Int(bytes[3]))), expected \(rank) (magic number \(magic)) for \(role)")
        }
        let headerLength = 4 + 4 * rank
        guard bytes.count >= headerLength else {
            throw failure("truncated: \(bytes.count) bytes, too short for the \(headerLength)-byte header")
        }
        let dimensions = (0..<rank).map { axis in
            bytes[4 + 4 * axis ..< 8 + 4 * axis].reduce(0) { $0 << 8 | Int($1) }
        }
        // Each dimension is below 2^32, so the product of three fits in an Int only if checked.
        guard let count = Tensor<UInt8>.elementCount(dimensions) else {
            throw failure("dimensions \(shapeString(dimensions)) are too large")
        }
        return (dimensions, count)
    }
}
