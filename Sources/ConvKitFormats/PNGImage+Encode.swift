import ConvKitCore
import Foundation

extension PNGImage {
    /// The bytes of a PNG file holding the image: 8 bits per sample, colour type gray, gray +
    /// alpha, RGB or RGBA by ``channels``, not interlaced, each row filtered with the type that
    /// minimises the sum of absolute residuals (libpng's heuristic), deflated at level 9.
    ///
    /// - Throws: ``ConvKitError`` only if zlib fails (out of memory).
    public func encode() throws -> Data {
        let compressed = try Gzip.deflate(Data(filteredRows()), level: 9)
        var file = Self.signature
        Self.appendChunk("IHDR", headerChunk, to: &file)
        // Large images are split into several IDAT chunks, as encoders customarily do.
        let chunkSize = 1 << 20
        var start = compressed.startIndex
        repeat {
            let end = min(start + chunkSize, compressed.endIndex)
            Self.appendChunk("IDAT", [UInt8](compressed[start..<end]), to: &file)
            start = end
        } while start < compressed.endIndex
        Self.appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// Writes the image to a PNG file, atomically: readers see the old file or the new one.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be written.
    public func write(to url: URL) throws {
        let data: Data
        do {
            data = try encode()
        } catch let error as ConvKitError {
            throw ConvKitError("PNGImage.write", "\(url.path): \(error.reason)")
        }
        try AtomicFile.write(data, to: url, function: "PNGImage.write")
    }

    /// The IHDR chunk's data: size, 8 bits per sample, the colour type, no interlacing.
    var headerChunk: [UInt8] {
        let colorType: UInt8 = [1: 0, 2: 4, 3: 2, 4: 6][channels] ?? 0
        var header = [UInt8]()
        Self.appendBigEndian(UInt32(width), to: &header)
        Self.appendBigEndian(UInt32(height), to: &header)
        return header + [8, colorType, 0, 0, 0]
    }

    /// Each row preceded by its filter-type byte.
    func filteredRows() -> [UInt8] {
        let rowBytes = width * channels
        var output = [UInt8]()
        output.reserveCapacity(height * (rowBytes + 1))
        var candidate = [UInt8]()
        candidate.reserveCapacity(rowBytes)
        var best = [UInt8]()
        for y in 0..<height {
            let row = pixels[y * rowBytes ..< (y + 1) * rowBytes]
            let previous = y > 0 ? pixels[(y - 1) * rowBytes ..< y * rowBytes] : nil
            var bestFilter = PNGFilter.none
            var bestCost = Int.max
            for filter in PNGFilter.allCases {
                candidate.removeAll(keepingCapacity: true)
                filter.filter(row, previous: previous, bytesPerPixel: channels, into: &candidate)
                // Residuals read as signed bytes: small magnitudes compress best.
                let cost = candidate.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
                if cost < bestCost {
                    bestCost = cost
                    bestFilter = filter
                    swap(&best, &candidate)
                }
            }
            output.append(bestFilter.rawValue)
            output += best
        }
        return output
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// Appends length, type, data and the CRC-32 of type and data.
    static func appendChunk(_ type: String, _ body: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(body.count), to: &file)
        file += typeBytes
        file += body
        appendBigEndian(Gzip.crc32(typeBytes + body), to: &file)
    }
}
