import ConvKitCore
import Foundation

extension PNGImage {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// Reads a PNG file (see ``decode(_:source:)`` for what is supported).
    ///
    /// - Throws: ``ConvKitError`` naming the file when it cannot be read or is not a valid PNG.
    public static func read(contentsOf url: URL) throws -> PNGImage {
        let data = try FileInput.read(url, function: "PNGImage.read")
        return try decode(data, source: url.path, function: "PNGImage.read")
    }

    /// Decodes the bytes of a PNG file.
    ///
    /// Every colour type and bit depth of the PNG spec is read, interlaced (Adam7) or not:
    /// gray (1, 2, 4, 8, 16 bits), gray + alpha, RGB, RGBA (8, 16) and palette (1, 2, 4, 8).
    /// 16-bit samples are rounded to 8 bits; palette images become RGB, or RGBA when a `tRNS`
    /// chunk gives alpha; a `tRNS` colour key on gray or RGB images adds an alpha channel.
    /// Every chunk's CRC-32 is checked.
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    /// - Throws: ``ConvKitError`` for anything malformed: a bad signature, CRC or header,
    ///   truncated or corrupt image data, a palette index out of range, an unknown critical
    ///   chunk, or an image larger than ``maximumByteCount``.
    public static func decode(_ data: Data, source: String = "data") throws -> PNGImage {
        try decode(data, source: source, function: "PNGImage.decode")
    }

    package static func decode(_ data: Data, source: String, function: String) throws -> PNGImage {
        do {
            return try decode([UInt8](data))
        } catch let error as PNGFormatError {
            throw ConvKitError(function, "\(source): \(error.reason)")
        } catch let error as ConvKitError {
            throw ConvKitError(function, "\(source): \(error.reason)")
        }
    }

    /// A big-endian 32-bit integer; the caller guarantees the four bytes exist.
    static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The chunk type as text, with unprintable bytes escaped.
    private static func chunkName(_ type: ArraySlice<UInt8>) -> String {
        type.map { (0x20...0x7e).contains($0) ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }

    /// Decodes the file, throwing ``PNGFormatError`` (or a ``ConvKitError`` from inflating).
    private static func decode(_ bytes: [UInt8]) throws -> PNGImage {
        guard bytes.starts(with: signature) else {
            if signature.starts(with: bytes) {
                throw PNGFormatError("truncated file: \(bytes.count) bytes, too short for the PNG signature")
            }
            throw PNGFormatError("not a PNG file (the 8-byte signature \\x89PNG\\r\\n\\x1a\\n is missing)")
        }
        var offset = signature.count
        var header: PNGHeader?
        var palette = [UInt8]()
        var transparency: [UInt8]?
        var compressed = Data()
        var sawEnd = false
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                throw PNGFormatError("truncated chunk at offset \(offset): \(bytes.count - offset) bytes left, a chunk needs at least 12")
            }
            let length = Int(bigEndianUInt32(bytes, at: offset))
            let type = bytes[offset + 4 ..< offset + 8]
            let name = chunkName(type)
            guard length <= Int(Int32.max) else {
                throw PNGFormatError("chunk '\(name)' at offset \(offset) announces \(length) bytes, more than PNG's 2^31 − 1")
            }
            guard type.allSatisfy({ (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }) else {
                throw PNGFormatError("chunk type '\(name)' at offset \(offset) is not four ASCII letters: corrupt file")
            }
            guard bytes.count - offset - 12 >= length else {
                throw PNGFormatError(
                    "truncated chunk '\(name)' at offset \(offset): it announces \(length) bytes but only \(bytes.count - offset - 12) follow")
            }
            let body = bytes[offset + 8 ..< offset + 8 + length]
            let stored = bigEndianUInt32(bytes, at: offset + 8 + length)
            let computed = Gzip.crc32(bytes[offset + 4 ..< offset + 8 + length])
            guard stored == computed else {
                throw PNGFormatError(
                    "chunk '\(name)' at offset \(offset) fails its CRC check (stored \(hex(stored)), computed \(hex(computed))): corrupt file")
            }
            offset += 12 + length
            if header == nil && name != "IHDR" {
                throw PNGFormatError("the first chunk is '\(name)', expected IHDR")
            }
            switch name {
            case "IHDR":
                guard header == nil else { throw PNGFormatError("a second IHDR chunk at offset \(offset - 12 - length)") }
                header = try PNGHeader(body)
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw PNGFormatError("PLTE chunk has \(length) bytes, expected a multiple of 3 between 3 and 768")
                }
                palette = Array(body)
            case "tRNS":
                transparency = Array(body)
            case "IDAT":
                compressed.append(contentsOf: body)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first letter clear (uppercase) marks a chunk a decoder must understand.
                if type[type.startIndex] & 0x20 == 0 {
                    throw PNGFormatError("unknown critical chunk '\(name)' at offset \(offset - 12 - length)")
                }
            }
            if sawEnd { break }
        }
        guard let header else { throw PNGFormatError("no IHDR chunk") }
        guard sawEnd else { throw PNGFormatError("truncated file: no IEND chunk (the file ends after \(bytes.count) bytes)") }
        guard !compressed.isEmpty else { throw PNGFormatError("no IDAT chunk: the file holds no image data") }

        let layout = try PixelLayout(header: header, palette: palette, transparency: transparency)
        _ = try byteCount(width: header.width, height: header.height, channels: layout.channels, function: "PNGImage.decode")
        let expected = header.filteredByteCount
        let filtered = [UInt8](try Gzip.run(
            compressed, format: .zlib, source: "IDAT", limit: expected, allowTrailing: true,
            function: "PNGImage.decode"))
        guard filtered.count == expected else {
            throw PNGFormatError(
                "the image data decompresses to \(filtered.count) bytes but a \(header.width)×\(header.height) "
                    + "\(header.colorType.name) image of bit depth \(header.bitDepth) needs \(expected)")
        }
        return try layout.decode(filtered, header: header)
    }

    private static func hex(_ value: UInt32) -> String {
        String(format: "%08x", value)
    }

    /// How the file's samples become 8-bit output pixels.
    private struct PixelLayout {
        var channels: Int
        var palette: [UInt8]
        /// Alpha of each palette entry (255 beyond the `tRNS` entries).
        var paletteAlpha: [UInt8]
        /// The transparent colour of a gray or RGB image, as raw samples.
        var colorKey: [Int]?

        init(header: PNGHeader, palette: [UInt8], transparency: [UInt8]?) throws(PNGFormatError) {
            self.palette = palette
            paletteAlpha = []
            colorKey = nil
            switch header.colorType {
            case .palette:
                guard !palette.isEmpty else { throw PNGFormatError("palette image without a PLTE chunk") }
                let entries = palette.count / 3
                guard entries <= 1 << header.bitDepth else {
                    throw PNGFormatError("PLTE has \(entries) entries, more than bit depth \(header.bitDepth) can index")
                }
                if let transparency {
                    guard transparency.count <= entries else {
                        throw PNGFormatError("tRNS has \(transparency.count) alpha values for a palette of \(entries) entries")
                    }
                    paletteAlpha = transparency + [UInt8](repeating: 255, count: entries - transparency.count)
                }
                channels = transparency == nil ? 3 : 4
            case .gray, .rgb:
                let samples = header.colorType.samplesPerPixel
                if let transparency {
                    guard transparency.count == 2 * samples else {
                        throw PNGFormatError(
                            "tRNS has \(transparency.count) bytes, expected \(2 * samples) for a \(header.colorType.name) image")
                    }
                    colorKey = (0..<samples).map { Int(transparency[2 * $0]) << 8 | Int(transparency[2 * $0 + 1]) }
                }
                channels = samples + (transparency == nil ? 0 : 1)
            case .grayAlpha, .rgba:
                guard transparency == nil else {
                    throw PNGFormatError("tRNS chunk in a \(header.colorType.name) image, which has an alpha channel already")
                }
                channels = header.colorType.samplesPerPixel
            }
        }

        /// Unfilters every pass and converts its samples into the output pixels.
        func decode(_ filtered: [UInt8], header: PNGHeader) throws(PNGFormatError) -> PNGImage {
            var pixels = [UInt8](repeating: 0, count: header.width * header.height * channels)
            var start = 0
            let bpp = header.filterBytesPerPixel
            let samples = header.colorType.samplesPerPixel
            let depth = header.bitDepth
            let maximum = (1 << depth) - 1
            var pixelSamples = [Int](repeating: 0, count: samples)
            for pass in header.passes {
                let rowBytes = header.rowByteCount(width: pass.width)
                // Each row is unfiltered in its own copy (a slice copies only its range on write),
                // which becomes the next row's `previous`: linear in the image size.
                var previous: ArraySlice<UInt8>?
                for row in 0..<pass.height {
                    let rowStart = start + row * (rowBytes + 1)
                    guard let filter = PNGFilter(rawValue: filtered[rowStart]) else {
                        throw PNGFormatError(
                            "row \(row) of \(header.interlaced ? "an interlaced pass" : "the image") has filter type \(filtered[rowStart]) (expected 0...4)")
                    }
                    var current = filtered[rowStart + 1 ..< rowStart + 1 + rowBytes]
                    filter.unfilter(&current, previous: previous, bytesPerPixel: bpp)
                    let y = pass.yStart + row * pass.yStep
                    defer { previous = current }
                    if depth == 8, header.colorType != .palette, colorKey == nil, pass.xStep == 1 {
                        // Samples are the output bytes already: copy the row.
                        let out = y * header.width * channels
                        pixels.withUnsafeMutableBufferPointer { target in
                            current.withUnsafeBufferPointer { source in
                                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                                (to + out).update(from: from, count: rowBytes)
                            }
                        }
                        continue
                    }
                    for column in 0..<pass.width {
                        for s in 0..<samples {
                            pixelSamples[s] = Self.sample(current, index: column * samples + s, depth: depth)
                        }
                        let x = pass.xStart + column * pass.xStep
                        let out = (y * header.width + x) * channels
                        try store(pixelSamples, at: out, in: &pixels, header: header, maximum: maximum)
                    }
                }
                start += pass.height * (rowBytes + 1)
            }
            return PNGImage(uncheckedWidth: header.width, height: header.height, channels: channels, pixels: pixels)
        }

        /// The `index`-th sample of a row, of `depth` bits (big-endian, most significant bits first).
        @inline(__always)
        static func sample(_ data: ArraySlice<UInt8>, index: Int, depth: Int) -> Int {
            let rowStart = data.startIndex
            switch depth {
            case 8: return Int(data[rowStart + index])
            case 16: return Int(data[rowStart + 2 * index]) << 8 | Int(data[rowStart + 2 * index + 1])
            default:
                let bit = index * depth
                let byte = Int(data[rowStart + bit / 8])
                return (byte >> (8 - depth - bit % 8)) & ((1 << depth) - 1)
            }
        }

        /// Writes one pixel's output channels.
        @inline(__always)
        func store(_ samples: [Int], at out: Int, in pixels: inout [UInt8], header: PNGHeader, maximum: Int) throws(PNGFormatError) {
            if header.colorType == .palette {
                let index = samples[0]
                guard index * 3 + 2 < palette.count else {
                    throw PNGFormatError("palette index \(index) is out of range for a palette of \(palette.count / 3) entries")
                }
                pixels[out] = palette[index * 3]
                pixels[out + 1] = palette[index * 3 + 1]
                pixels[out + 2] = palette[index * 3 + 2]
                if channels == 4 { pixels[out + 3] = paletteAlpha[index] }
                return
            }
            for (s, value) in samples.enumerated() {
                // Scale to 0...255 with rounding: 16-bit 65535 → 255, 4-bit 15 → 255, 1-bit 1 → 255.
                pixels[out + s] = UInt8((value * 255 + maximum / 2) / maximum)
            }
            if let colorKey {
                pixels[out + samples.count] = samples == colorKey ? 0 : 255
            }
        }
    }
}
