import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Gzip and zlib streams through the system zlib, checked against Python's gzip module.
@Suite struct FormatGzipTests {
    static let text = Data("Convolutional networks, step by step. ".utf8) + Data((0..<2000).map { UInt8($0 % 251) })

    @Test func roundTripsZlibAndGzipAtEveryLevel() throws {
        for level in [0, 1, 6, 9] {
            let zlib = try Gzip.deflate(Self.text, level: level)
            #expect(try Gzip.inflateZlib(zlib) == Self.text)
            #expect(zlib.first == 0x78)   // zlib header: deflate with a 32K window
            let gz = try Gzip.gzip(Self.text, level: level)
            #expect(Gzip.isGzip(gz))
            #expect(try Gzip.inflate(gz) == Self.text)
        }
        #expect(try Gzip.inflate(Gzip.gzip(Data())) == Data())
        #expect(try Gzip.inflateZlib(Gzip.deflate(Data())) == Data())
        // Level 9 actually compresses repetitive data.
        let zeros = Data(count: 100_000)
        #expect(try Gzip.deflate(zeros, level: 9).count < 200)
    }

    @Test func readsConcatenatedMembersWrittenByPython() throws {
        let gz = try Data(contentsOf: FormatTestSupport.fixture("formats/gzip/two_members.gz"))
        let text = try Data(contentsOf: FormatTestSupport.fixture("formats/gzip/two_members.txt"))
        #expect(try Gzip.inflate(gz, source: "two_members.gz") == text)
        // Zero padding after the last member (tape blocks) is ignored, like gzip -d does.
        #expect(try Gzip.inflate(gz + Data(count: 7)) == text)
    }

    @Test func rejectsDecompressionBombs() throws {
        let bomb = try Gzip.gzip(Data(count: 10_000_000), level: 9)
        #expect(bomb.count < 20_000)
        #expect(FormatTestSupport.message { try Gzip.inflate(bomb, source: "bomb.gz", limit: 1_000_000) }
            == "Gzip.inflate: bomb.gz: the gzip data decompresses to more than the limit of 1000000 bytes (\(bomb.count) compressed bytes): refusing a possible decompression bomb")
        // Exactly at the limit is fine.
        #expect(try Gzip.inflate(bomb, limit: 10_000_000).count == 10_000_000)
        let zlib = try Gzip.deflate(Data(count: 5000))
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(zlib, source: "IDAT", limit: 4999) }
            == "Gzip.inflateZlib: IDAT: the zlib data decompresses to more than the limit of 4999 bytes (\(zlib.count) compressed bytes): refusing a possible decompression bomb")
    }

    @Test func rejectsBadInputWithClearMessages() throws {
        let gz = try Gzip.gzip(Self.text)
        let zlib = try Gzip.deflate(Self.text)
        #expect(FormatTestSupport.message { try Gzip.inflate(Data("plain".utf8), source: "a.csv") }
            == "Gzip.inflate: a.csv: not gzip data (starts with [70 6c], expected 1f 8b)")
        #expect(FormatTestSupport.message { try Gzip.inflate(gz.prefix(gz.count - 10), source: "cut.gz") }
            == "Gzip.inflate: cut.gz: truncated gzip data: the stream ends early after \(gz.count - 10) compressed bytes (1837 bytes decompressed)")
        var corrupt = [UInt8](zlib)
        corrupt[0] = 0x79
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(Data(corrupt), source: "x") }
            == "Gzip.inflateZlib: x: corrupt zlib data: incorrect header check (after 2 compressed bytes)")
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(zlib + Data([1, 2, 3]), source: "x") }
            == "Gzip.inflateZlib: x: 3 unexpected bytes after the end of the zlib stream (at offset \(zlib.count))")
        #expect(FormatTestSupport.message { try Gzip.inflate(gz + Data([1, 2]), source: "x.gz") }
            == "Gzip.inflate: x.gz: 2 unexpected bytes after the end of the gzip stream (at offset \(gz.count))")
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(zlib, source: "x", limit: -1) }
            == "Gzip.inflateZlib: limit -1 must be non-negative (source x)")
        #expect(FormatTestSupport.message { try Gzip.deflate(Self.text, level: 10) } == "Gzip.deflate: level 10 must be in 0...9")
        #expect(FormatTestSupport.message { try Gzip.gzip(Self.text, level: -1) } == "Gzip.gzip: level -1 must be in 0...9")
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(Data(), source: "empty") }.hasPrefix("Gzip.inflateZlib: empty: "))
        // FLG 0x20: a preset dictionary (id 1) is required.
        #expect(FormatTestSupport.message { try Gzip.inflateZlib(Data([0x78, 0x20, 0, 0, 0, 1, 0x03, 0x00]), source: "dict") }
            == "Gzip.inflateZlib: dict: the zlib stream needs a preset dictionary, which is not supported")
        var checksum = [UInt8](gz)
        checksum[checksum.count - 6] ^= 0xff   // the CRC-32 in the trailer
        #expect(FormatTestSupport.message { try Gzip.inflate(Data(checksum), source: "crc.gz") }
            == "Gzip.inflate: crc.gz: corrupt gzip data: incorrect data check (after \(gz.count - 4) compressed bytes)")
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        let gz = try Gzip.gzip(Self.text.prefix(600))
        for mutated in FormatTestSupport.mutations(of: gz, flips: 400) {
            #expect(FormatTestSupport.throwsCleanly { try Gzip.inflate(mutated, limit: 100_000) })
        }
        let zlib = try Gzip.deflate(Self.text.prefix(600))
        for mutated in FormatTestSupport.mutations(of: zlib, flips: 400, seed: 2) {
            #expect(FormatTestSupport.throwsCleanly { try Gzip.inflateZlib(mutated, limit: 100_000) })
        }
    }

    @Test func computesCRC32LikeZlib() {
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Gzip.crc32([UInt8]()) == 0)
        #expect(Gzip.crc32([UInt8](), initial: 0x1234) == 0x1234)
        #expect(Gzip.crc32(Array("6789".utf8), initial: Gzip.crc32(Array("12345".utf8))) == 0xCBF4_3926)
    }
}
