import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// `.npz` archives, checked against `np.savez` and `np.savez_compressed` output
/// (fixtures from Scripts/fixtures/make_numpy_fixtures.py).
@Suite struct NPZTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/numpy/npz")

    /// What the fixture script saves: the NPY samples plus a 0-d and an empty array.
    static let expected: [String: NPYArray] = {
        var arrays = NPYTests.samples
        arrays["scalar"] = .float64(Tensor(2.5))
        arrays["empty"] = .int64(Tensor(uncheckedShape: [2, 0], scalars: []))
        return arrays
    }()

    static func temporaryURL(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("NPZTests-\(UUID().uuidString)\(suffix)")
    }

    static func expectSameArrays(_ actual: [String: NPYArray], _ expected: [String: NPYArray]) {
        #expect(actual.keys.sorted() == expected.keys.sorted())
        for (key, array) in expected {
            #expect(actual[key].map { NPYTests.bitwiseEqual($0, array) } == true, "\(key)")
        }
    }

    /// The compression method of the first member, from its local file header (0 stored, 8 deflate).
    static func firstCompressionMethod(_ data: Data) -> Int {
        let bytes = [UInt8](data.prefix(10))
        return bytes.count == 10 ? Int(bytes[8]) | Int(bytes[9]) << 8 : -1
    }

    @Test(arguments: ["stored.npz", "compressed.npz"])
    func readsArchivesWrittenByNumPy(name: String) throws {
        let arrays = try NPZ.read(contentsOf: Self.fixtures.appendingPathComponent(name))
        Self.expectSameArrays(arrays, Self.expected)
        // numpy writes zip64 extra fields in every local header; they must not disturb reading.
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        #expect(Self.firstCompressionMethod(data) == (name == "stored.npz" ? 0 : 8))
    }

    @Test(arguments: [true, false])
    func roundTripsThroughFiles(compressed: Bool) throws {
        let url = Self.temporaryURL(".npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NPZ.write(Self.expected, to: url, compressed: compressed)
        Self.expectSameArrays(try NPZ.read(contentsOf: url), Self.expected)
        let data = try Data(contentsOf: url)
        #expect(Self.firstCompressionMethod(data) == (compressed ? 8 : 0))
        // Overwriting replaces the archive as a whole.
        try NPZ.write(["only": NPYArray(Tensor([1.0, 2.0]))], to: url, compressed: compressed)
        #expect(try NPZ.read(contentsOf: url) == ["only": .float64(Tensor([1.0, 2.0]))])
    }

    @Test func compressionShrinksRepetitiveData() throws {
        let zeros = ["zeros": NPYArray(try Tensor<Double>(zeros: [64, 64]))]
        let url = Self.temporaryURL(".npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NPZ.write(zeros, to: url, compressed: false)
        let stored = try Data(contentsOf: url)
        try NPZ.write(zeros, to: url, compressed: true)
        let deflated = try Data(contentsOf: url)
        #expect(stored.count > 32_768)
        #expect(deflated.count < 2_000)
        #expect(try NPZ.read(contentsOf: url) == zeros)
        // Fixed member dates and sorted keys: equal arrays give equal bytes.
        try NPZ.write(zeros, to: url, compressed: true)
        #expect(try Data(contentsOf: url) == deflated)
    }

    @Test func memberLooksUpKeysWithAClearError() throws {
        let arrays = try NPZ.read(contentsOf: Self.fixtures.appendingPathComponent("stored.npz"))
        #expect(try NPZ.member("u1", of: arrays) == NPYTests.samples["u1"])
        #expect(throws: ConvKitError(
            "NPZ.member", "stored.npz has no member 'W3' (members: b1, empty, f4, f8, i4, i8, scalar, u1)")) {
            try NPZ.member("W3", of: arrays, source: "stored.npz")
        }
        #expect(throws: ConvKitError("NPZ.member", "npz has no member 'x' (members: none)")) {
            try NPZ.member("x", of: [:])
        }
    }

    @Test func rejectsFilesThatAreNotNpzArchives() throws {
        let npy = NPYTests.fixtures.appendingPathComponent("f8.npy")
        #expect(performing: { try NPZ.read(contentsOf: npy) }, throws: { error in
            (error as? ConvKitError)?.message.hasPrefix("NPZ.read: \(npy.path) is not a zip archive: ") == true
        })
        let missing = Self.temporaryURL(".npz")
        #expect(throws: ConvKitError("NPZ.read", "cannot read \(missing.path): no such file")) {
            try NPZ.read(contentsOf: missing)
        }
    }

    @Test func rejectsBadMembers() {
        let text = Self.fixtures.appendingPathComponent("text_member.npz")
        #expect(throws: ConvKitError("NPZ.read", "\(text.path): member 'notes.txt' is not an .npy file")) {
            try NPZ.read(contentsOf: text)
        }
        let broken = Self.fixtures.appendingPathComponent("broken_member.npz")
        #expect(throws: ConvKitError(
            "NPZ.read",
            "\(broken.path) member 'weights.npy': truncated header: the preamble announces 118 header bytes but only 8 follow")) {
            try NPZ.read(contentsOf: broken)
        }
    }

    @Test func rejectsCorruptMembersAndDirectories() throws {
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("stored.npz"))
        let url = Self.temporaryURL(".npz")
        defer { try? FileManager.default.removeItem(at: url) }
        // One byte of f4.npy's data (which starts at offset 56) changed: the CRC-32 no longer matches.
        var bytes = [UInt8](original)
        bytes[56 + 130] ^= 0xff
        try Data(bytes).write(to: url)
        #expect(throws: ConvKitError(
            "NPZ.read",
            "\(url.path): member 'f4.npy' is corrupt: 152 bytes with CRC-32 4148398c extracted, "
                + "the archive says 152 bytes with CRC-32 39199b46")) {
            try NPZ.read(contentsOf: url)
        }
        // The second central-directory record (at 1695) damaged: ZIPFoundation stops listing there.
        bytes = [UInt8](original)
        #expect(bytes[1695 ..< 1699].elementsEqual([0x50, 0x4b, 0x01, 0x02]))
        bytes[1697] = 0
        try Data(bytes).write(to: url)
        #expect(throws: ConvKitError(
            "NPZ.read", "\(url.path): the zip directory announces 8 members but only 1 could be read")) {
            try NPZ.read(contentsOf: url)
        }
    }

    @Test func rejectsEmptyKeysAndUnwritablePaths() {
        let url = Self.temporaryURL(".npz")
        #expect(throws: ConvKitError("NPZ.write", "a key is empty; every array needs a name (keys: [\"\", \"b\"])")) {
            try NPZ.write(["": NPYArray(Tensor([1.0])), "b": NPYArray(Tensor([2.0]))], to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let unwritable = URL(fileURLWithPath: "/nonexistent-directory-\(UUID().uuidString)/a.npz")
        #expect(performing: { try NPZ.write(["a": NPYArray(Tensor([1.0]))], to: unwritable) }, throws: { error in
            (error as? ConvKitError)?.message.hasPrefix("NPZ.write: cannot write \(unwritable.path): ") == true
        })
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("compressed.npz"))
        let url = Self.temporaryURL(".npz")
        defer { try? FileManager.default.removeItem(at: url) }
        var random = NumPyRandomState(seed: 7)
        var decoded = 0
        var truncatedDecoded = 0
        for trial in 0..<120 {
            var bytes = [UInt8](original)
            if trial % 2 == 0 {
                bytes = Array(bytes.prefix(Int(random.nextInterval(UInt64(bytes.count - 1)))))
            } else {
                let position = Int(random.nextInterval(UInt64(bytes.count - 1)))
                bytes[position] ^= UInt8(truncatingIfNeeded: random.nextUInt32() | 1)
            }
            try Data(bytes).write(to: url)
            if let arrays = try? NPZ.read(contentsOf: url) {
                decoded += 1
                if trial % 2 == 0 { truncatedDecoded += 1 }
                // What still reads must hold numpy's values: a flip may only hit unchecked
                // metadata (a timestamp) or rename a member, never change an array.
                #expect(arrays.count == Self.expected.count)
                for (key, array) in arrays {
                    let same = Self.expected[key].map { NPYTests.bitwiseEqual($0, array) }
                        ?? Self.expected.values.contains { NPYTests.bitwiseEqual($0, array) }
                    #expect(same, "trial \(trial), member \(key)")
                }
            }
        }
        // A truncated archive loses its directory; flips in the data fail their CRC-32.
        #expect(truncatedDecoded == 0)
        #expect(decoded < 60)
    }
}
