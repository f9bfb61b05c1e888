import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// PNG decoding against an independent Python encoder, encoding round trips, malformed files.
@Suite struct FormatPNGTests {
    static let expected: [String: NPYArray] = (try? NPZ.read(contentsOf: FormatTestSupport.fixture("formats/png/expected.npz"))) ?? [:]

    static let names = [
        "gray8_all_filters", "gray1_odd_width", "gray2", "gray4", "gray16", "gray8_key", "gray_alpha8", "gray_alpha16",
        "rgb8", "rgb16", "rgb8_key", "rgba8", "rgba16", "palette1", "palette2", "palette4", "palette8_alpha",
        "rgb8_interlaced", "gray1_interlaced", "rgba16_interlaced", "gray8_interlaced_1x1", "palette4_interlaced",
        "rgb8_split_idat_text",
    ]

    /// A small RGBA test image with smooth and noisy parts, so that every filter gets chosen.
    static func sampleImage(width: Int = 13, height: Int = 9, channels: Int = 4) throws -> PNGImage {
        var random = NumPyRandomState(seed: 5)
        var pixels = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let smooth = UInt8(truncatingIfNeeded: x * 17 + y * 5 + c * 40)
                    pixels.append(y % 3 == 2 ? UInt8(truncatingIfNeeded: random.nextUInt32()) : smooth)
                }
            }
        }
        return try PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// A chunk with its length and CRC.
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let length = UInt32(body.count), crc = Gzip.crc32(typeBytes + body)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            + typeBytes + body + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc & 0xff)]
    }

    static func header(width: UInt32 = 2, height: UInt32 = 2, depth: UInt8 = 8, color: UInt8 = 0, interlace: UInt8 = 0) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        return chunk("IHDR", be(width) + be(height) + [depth, color, 0, 0, interlace])
    }

    /// A file built from chunks after the signature.
    static func file(_ chunks: [UInt8]...) -> Data {
        Data(PNGImage.signature + chunks.joined())
    }

    static func idat(_ raw: [UInt8]) throws -> [UInt8] {
        chunk("IDAT", [UInt8](try Gzip.deflate(Data(raw))))
    }

    @Test(arguments: names)
    func decodesFilesOfEveryKind(name: String) throws {
        let image = try PNGImage.read(contentsOf: FormatTestSupport.fixture("formats/png/\(name).png"))
        let expected = try #require(Self.expected[name])
        guard case .uint8(let pixels) = expected else {
            Issue.record("fixture \(name) is not uint8")
            return
        }
        #expect([image.height, image.width, image.channels] == pixels.shape)
        #expect(image.pixels == pixels.scalars)
    }

    @Test(arguments: [1, 2, 3, 4])
    func roundTripsEveryChannelCount(channels: Int) throws {
        let image = try Self.sampleImage(channels: channels)
        let data = try image.encode()
        #expect(try PNGImage.decode(data) == image)
        // Byte 25 of the file is the IHDR colour type: gray, gray + alpha, RGB, RGBA.
        #expect(data[25] == [1: 0, 2: 4, 3: 2, 4: 6][channels])
        #expect(data[24] == 8)
    }

    @Test func encodingPicksFiltersPerRowAndWritesAtomically() throws {
        let image = try Self.sampleImage(width: 40, height: 12, channels: 3)
        let data = try image.encode()
        // Unpack the IDAT stream and collect the filter type of each row.
        let bytes = [UInt8](data)
        let length = Int(PNGImage.bigEndianUInt32(bytes, at: 33))
        #expect(String(decoding: bytes[37..<41], as: UTF8.self) == "IDAT")
        let raw = [UInt8](try Gzip.inflateZlib(Data(bytes[41 ..< 41 + length])))
        let filters = Set((0..<12).map { raw[$0 * (40 * 3 + 1)] })
        #expect(filters.count >= 2)
        #expect(filters.isSubset(of: [0, 1, 2, 3, 4]))

        let url = FormatTestSupport.temporaryURL(".png")
        defer { try? FileManager.default.removeItem(at: url) }
        try image.write(to: url)
        #expect(try PNGImage.read(contentsOf: url) == image)
        #expect(try Data(contentsOf: url) == data)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(url.lastPathComponent)") }
        #expect(leftovers.isEmpty)
    }

    @Test func validatesConstruction() throws {
        #expect(FormatTestSupport.message { try PNGImage(width: 2, height: 2, channels: 3, pixels: [1, 2, 3]) }
            == "PNGImage.init: pixels has 3 bytes but a 2×2 image with 3 channels needs 12")
        #expect(FormatTestSupport.message { try PNGImage(width: 0, height: 2, channels: 1, pixels: []) }
            == "PNGImage.init: image size 0×2 must be at least 1×1")
        #expect(FormatTestSupport.message { try PNGImage(width: 1, height: 1, channels: 5, pixels: [1, 2, 3, 4, 5]) }
            == "PNGImage.init: channels 5 must be 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA)")
        #expect(FormatTestSupport.message { try PNGImage(width: 1 << 20, height: 1 << 20, channels: 1, pixels: []) }
            == "PNGImage.init: a 1048576×1048576 image with 1 channels exceeds the limit of 268435456 bytes")
        #expect(FormatTestSupport.message { try PNGImage(width: 2, height: 1, color: []) }
            == "PNGImage.init(color:): channels 0 must be 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA)")
        let filled = try PNGImage(width: 2, height: 1, color: [10, 20, 30])
        #expect(filled.pixels == [10, 20, 30, 10, 20, 30])
        #expect(filled.rgba(x: 1, y: 0) == [10, 20, 30, 255])
        #expect(filled.rgba(x: 2, y: 0) == nil)
    }

    @Test func rejectsMalformedFilesWithClearMessages() throws {
        let good = try Self.idat([0, 1, 2, 0, 3, 4])
        let end = Self.chunk("IEND", [])
        func message(_ data: Data) -> String { FormatTestSupport.message { try PNGImage.decode(data, source: "t.png") } }
        #expect(message(Data("GIF89a".utf8)) == "PNGImage.decode: t.png: not a PNG file (the 8-byte signature \\x89PNG\\r\\n\\x1a\\n is missing)")
        #expect(message(Data(PNGImage.signature.prefix(5))) == "PNGImage.decode: t.png: truncated file: 5 bytes, too short for the PNG signature")
        #expect(message(Self.file(Self.header(), good)) == "PNGImage.decode: t.png: truncated file: no IEND chunk (the file ends after \(8 + 25 + good.count) bytes)")
        #expect(message(Self.file(good, end)) == "PNGImage.decode: t.png: the first chunk is 'IDAT', expected IHDR")
        #expect(message(Self.file(Self.header(), end)) == "PNGImage.decode: t.png: no IDAT chunk: the file holds no image data")
        #expect(message(Self.file(Self.header(), Self.header(), good, end)) == "PNGImage.decode: t.png: a second IHDR chunk at offset 33")
        var badCRC = Self.header()
        badCRC[badCRC.count - 1] ^= 1
        #expect(message(Self.file(badCRC, good, end)).hasPrefix("PNGImage.decode: t.png: chunk 'IHDR' at offset 8 fails its CRC check (stored "))
        #expect(message(Self.file(Self.header(), Array(good.prefix(20)))) == "PNGImage.decode: t.png: truncated chunk 'IDAT' at offset 33: it announces \(good.count - 12) bytes but only 8 follow")
        #expect(message(Self.file(Self.header(), [0, 0])) == "PNGImage.decode: t.png: truncated chunk at offset 33: 2 bytes left, a chunk needs at least 12")
        #expect(message(Self.file(Self.header(), Self.chunk("IDA1", []), end)) == "PNGImage.decode: t.png: chunk type 'IDA1' at offset 33 is not four ASCII letters: corrupt file")
        #expect(message(Self.file(Self.header(), Self.chunk("ABCD", []), good, end)) == "PNGImage.decode: t.png: unknown critical chunk 'ABCD' at offset 33")
        // Unknown ancillary chunks are skipped; row 1 uses the Up filter: 3 + 1, 4 + 2.
        let up = try Self.idat([0, 1, 2, 2, 3, 4])
        #expect(try PNGImage.decode(Self.file(Self.header(), Self.chunk("abCD", [1, 2]), up, end)).pixels == [1, 2, 4, 6])
        var huge = Self.header()
        huge.replaceSubrange(0..<4, with: [0x80, 0, 0, 0])
        #expect(message(Self.file(huge)) == "PNGImage.decode: t.png: chunk 'IHDR' at offset 8 announces 2147483648 bytes, more than PNG's 2^31 − 1")

        // IHDR contents.
        #expect(message(Self.file(Self.chunk("IHDR", [0, 0]), good, end)) == "PNGImage.decode: t.png: IHDR chunk has 2 bytes, expected 13")
        #expect(message(Self.file(Self.header(width: 0), good, end)) == "PNGImage.decode: t.png: image size 0×2 is invalid (each side must be 1...2147483647)")
        #expect(message(Self.file(Self.header(color: 5), good, end)) == "PNGImage.decode: t.png: colour type 5 is invalid (expected 0, 2, 3, 4 or 6)")
        #expect(message(Self.file(Self.header(depth: 4, color: 2), good, end)) == "PNGImage.decode: t.png: bit depth 4 is invalid for colour type 2 (RGB); allowed: 8, 16")
        #expect(message(Self.file(Self.header(interlace: 2), good, end)) == "PNGImage.decode: t.png: interlace method 2 is unknown (expected 0 or 1)")
        var method = Self.header()
        method[4 + 4 + 10] = 1   // compression method
        method = Self.chunk("IHDR", Array(method[8..<21]))
        #expect(message(Self.file(method, good, end)) == "PNGImage.decode: t.png: compression method 1 is unknown (expected 0)")
        var filterMethod = Array(Self.header()[8..<21])
        filterMethod[11] = 3
        #expect(message(Self.file(Self.chunk("IHDR", filterMethod), good, end)) == "PNGImage.decode: t.png: filter method 3 is unknown (expected 0)")
        #expect(message(Self.file(Self.header(width: 1 << 20, height: 1 << 20), good, end)) == "PNGImage.decode: t.png: a 1048576×1048576 image with 1 channels exceeds the limit of 268435456 bytes")

        // Image data.
        #expect(message(Self.file(Self.header(), try Self.idat([0, 1, 2, 0, 3]), end)) == "PNGImage.decode: t.png: the image data decompresses to 5 bytes but a 2×2 gray image of bit depth 8 needs 6")
        #expect(message(Self.file(Self.header(), try Self.idat([0, 1, 2, 9, 3, 4]), end)) == "PNGImage.decode: t.png: row 1 of the image has filter type 9 (expected 0...4)")
        #expect(message(Self.file(Self.header(interlace: 1), try Self.idat([0, 1, 5, 2, 0, 0, 0]), end))
            == "PNGImage.decode: t.png: row 0 of an interlaced pass has filter type 5 (expected 0...4)")
        #expect(message(Self.file(Self.header(), Self.chunk("IDAT", [1, 2, 3]), end)).hasPrefix("PNGImage.decode: t.png: IDAT: corrupt zlib data: "))
        #expect(message(Self.file(Self.header(), try Self.idat([UInt8](repeating: 0, count: 100)), end)) == "PNGImage.decode: t.png: IDAT: the zlib data decompresses to more than the limit of 6 bytes (\(try Gzip.deflate(Data(count: 100)).count) compressed bytes): refusing a possible decompression bomb")

        // Palettes and transparency.
        let palette = Self.chunk("PLTE", [255, 0, 0, 0, 255, 0])
        #expect(message(Self.file(Self.header(color: 3), good, end)) == "PNGImage.decode: t.png: palette image without a PLTE chunk")
        #expect(message(Self.file(Self.header(color: 3), palette, try Self.idat([0, 0, 1, 0, 1, 2]), end)) == "PNGImage.decode: t.png: palette index 2 is out of range for a palette of 2 entries")
        #expect(message(Self.file(Self.header(color: 3), Self.chunk("PLTE", [1, 2]), good, end)) == "PNGImage.decode: t.png: PLTE chunk has 2 bytes, expected a multiple of 3 between 3 and 768")
        #expect(message(Self.file(Self.header(depth: 1, color: 3), Self.chunk("PLTE", [UInt8](repeating: 1, count: 9)), good, end)) == "PNGImage.decode: t.png: PLTE has 3 entries, more than bit depth 1 can index")
        #expect(message(Self.file(Self.header(color: 3), palette, Self.chunk("tRNS", [1, 2, 3]), good, end)) == "PNGImage.decode: t.png: tRNS has 3 alpha values for a palette of 2 entries")
        #expect(message(Self.file(Self.header(), Self.chunk("tRNS", [1]), good, end)) == "PNGImage.decode: t.png: tRNS has 1 bytes, expected 2 for a gray image")
        #expect(message(Self.file(Self.header(color: 6), Self.chunk("tRNS", [1]), good, end)) == "PNGImage.decode: t.png: tRNS chunk in a RGBA image, which has an alpha channel already")
        let decoded = try PNGImage.decode(Self.file(Self.header(color: 3), palette, Self.chunk("tRNS", [7]), try Self.idat([0, 0, 1, 0, 1, 0]), end))
        #expect(decoded.channels == 4)
        #expect(decoded.pixels == [255, 0, 0, 7, 0, 255, 0, 255, 0, 255, 0, 255, 255, 0, 0, 7])
    }

    @Test func reportsUnreadableAndUnwritableFiles() throws {
        let url = FormatTestSupport.temporaryURL(".png")
        #expect(FormatTestSupport.message { try PNGImage.read(contentsOf: url) }.hasPrefix("PNGImage.read: cannot read \(url.path): "))
        let nowhere = FormatTestSupport.temporaryURL("/missing/folder/x.png")
        #expect(FormatTestSupport.message { try Self.sampleImage().write(to: nowhere) }.hasPrefix("PNGImage.write: cannot write \(nowhere.path) ("))
        // A file that is not a PNG names itself.
        let text = FormatTestSupport.temporaryURL(".png")
        try Data("hello, world".utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        #expect(FormatTestSupport.message { try PNGImage.read(contentsOf: text) }
            == "PNGImage.read: \(text.path): not a PNG file (the 8-byte signature \\x89PNG\\r\\n\\x1a\\n is missing)")
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        var files = [try Self.sampleImage(width: 6, height: 5, channels: 3).encode()]
        for name in ["palette8_alpha", "gray1_interlaced", "rgba16_interlaced"] {
            files.append(try Data(contentsOf: FormatTestSupport.fixture("formats/png/\(name).png")))
        }
        for (index, file) in files.enumerated() {
            for mutated in FormatTestSupport.mutations(of: file, truncations: 40, flips: 250, seed: UInt32(index + 1)) {
                #expect(FormatTestSupport.throwsCleanly { try PNGImage.decode(mutated) })
            }
        }
        // Flips behind a valid CRC: rewrite the CRC after changing the IHDR and IDAT bodies.
        var random = NumPyRandomState(seed: 9)
        let base = [UInt8](try Self.sampleImage(width: 5, height: 4, channels: 2).encode())
        for _ in 0..<300 {
            var bytes = base
            let position = 16 + Int(random.nextUInt32() % 13)   // inside the IHDR body
            bytes[position] = UInt8(truncatingIfNeeded: random.nextUInt32())
            let crc = Gzip.crc32(bytes[12..<29])
            bytes.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc & 0xff)])
            #expect(FormatTestSupport.throwsCleanly { try PNGImage.decode(Data(bytes)) })
        }
        for _ in 0..<200 {
            // Raw scanlines of random filter types and bytes for random valid headers.
            let width = 1 + Int(random.nextUInt32() % 9), height = 1 + Int(random.nextUInt32() % 9)
            let kinds: [(UInt8, UInt8)] = [(1, 0), (2, 0), (4, 0), (8, 0), (16, 0), (8, 2), (16, 2), (1, 3), (8, 3), (8, 4), (16, 6)]
            let (depth, color) = kinds[Int(random.nextUInt32() % UInt32(kinds.count))]
            let interlace = UInt8(random.nextUInt32() % 2)
            let raw = (0..<(Int(random.nextUInt32() % 400))).map { _ in UInt8(truncatingIfNeeded: random.nextUInt32() % 7) }
            let data = Self.file(
                Self.header(width: UInt32(width), height: UInt32(height), depth: depth, color: color, interlace: interlace),
                Self.chunk("PLTE", [UInt8](repeating: 9, count: 3 * 5)), try Self.idat(raw), Self.chunk("IEND", []))
            #expect(FormatTestSupport.throwsCleanly { try PNGImage.decode(data) })
        }
    }

    @Test func convertsToGrayFloatsForTheModel() throws {
        // 4×2 RGB: red, green, blue, white / black ×3, gray 51.
        let image = try PNGImage(width: 4, height: 2, channels: 3, pixels: [
            255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 51, 51, 51,
        ])
        let same = try image.toGrayFloats(width: 4, height: 2)
        #expect(same.shape == [1, 2, 4, 1])
        let expected: [Float] = [0.299, 0.587, 0.114, 1, 0, 0, 0, 0.2]
        for (a, b) in zip(same.scalars, expected) { #expect(abs(a - b) < 1e-6) }
        // Area averaging when shrinking: 2×1 averages 2×2 blocks.
        let half = try image.toGrayFloats(width: 2, height: 1)
        #expect(abs(half.scalars[0] - (0.299 + 0.587) / 4) < 1e-6)
        #expect(abs(half.scalars[1] - (0.114 + 1 + 0.2) / 4) < 1e-6)
        // Inverted.
        #expect(abs(try image.toGrayFloats(width: 4, height: 2, invert: true).scalars[3]) < 1e-6)
        // Transparent pixels sit on white.
        let clear = try PNGImage(width: 1, height: 1, channels: 2, pixels: [0, 0])
        #expect(try clear.toGrayFloats(width: 1, height: 1).scalars == [1])
        let half_alpha = try PNGImage(width: 1, height: 1, channels: 4, pixels: [0, 0, 0, 51])
        #expect(abs(try half_alpha.toGrayFloats(width: 1, height: 1).scalars[0] - 0.8) < 1e-6)
        // Bilinear when enlarging: a 2×1 ramp 0, 1 becomes 0, 0.25, 0.75, 1 (half-pixel centres).
        let ramp = try PNGImage(width: 2, height: 1, channels: 1, pixels: [0, 255])
        let wide = try ramp.toGrayFloats(width: 4, height: 1)
        for (a, b) in zip(wide.scalars, [0, 0.25, 0.75, 1] as [Float]) { #expect(abs(a - b) < 1e-6) }
        // A 28×28 digit shrinks to 8×8 with the mean preserved.
        var random = NumPyRandomState(seed: 3)
        let noise = try PNGImage(width: 28, height: 28, channels: 1, pixels: (0..<784).map { _ in UInt8(random.nextUInt32() % 256) })
        let big = try noise.toGrayFloats(width: 28, height: 28).scalars.reduce(0, +) / 784
        let small = try noise.toGrayFloats(width: 8, height: 8).scalars.reduce(0, +) / 64
        #expect(abs(big - small) < 1e-4)
        #expect(FormatTestSupport.message { try noise.toGrayFloats(width: 0, height: 8) }
            == "PNGImage.toGrayFloats: image size 0×8 must be at least 1×1")
    }

    @Test func resamplingWeightsSumToOne() {
        for (input, output) in [(28, 8), (8, 28), (5, 5), (3, 7), (100, 3), (1, 4), (4, 1)] {
            for taps in PNGImage.resamplingWeights(from: input, to: output) {
                #expect(abs(taps.reduce(0) { $0 + $1.weight } - 1) < 1e-5)
                #expect(taps.allSatisfy { $0.index >= 0 && $0.index < input })
            }
        }
    }
}
