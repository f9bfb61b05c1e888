import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// `.npy` reading and writing, checked against files written by numpy 2
/// (fixtures from Scripts/fixtures/make_numpy_fixtures.py).
@Suite struct NPYTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/numpy/npy")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// The arrays `typed_samples()` of the fixture script saves, as numpy holds them.
    static let samples: [String: NPYArray] = {
        func tensor<T>(_ values: [T]) -> Tensor<T> { Tensor(uncheckedShape: [2, 3], scalars: values) }
        return [
            "f4": .float32(tensor([1.5, -2.25, 1e-30, 3.4028235e38, -0.0, .infinity])),
            "f8": .float64(tensor([.pi, -1e-300, .leastNonzeroMagnitude, -.infinity, 1e300, 0.1])),
            "i4": .int32(tensor([.min, -1, 0, 1, .max, 12345])),
            "i8": .int64(tensor([.min, -1, 0, 1, .max, (1 << 40) + 7])),
            "u1": .uint8(tensor([0, 1, 127, 128, 254, 255])),
            "b1": .bool(tensor([true, false, true, false, false, true])),
        ]
    }()

    /// Equality that also tells -0.0 from 0.0.
    static func bitwiseEqual(_ a: NPYArray, _ b: NPYArray) -> Bool {
        switch (a, b) {
        case (.float32(let x), .float32(let y)):
            x.shape == y.shape && x.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern)
        case (.float64(let x), .float64(let y)):
            x.shape == y.shape && x.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern)
        default: a == b
        }
    }

    /// An `.npy` file with a hand-written header, padded like numpy's.
    static func file(header: String, version: UInt8 = 1, payload: [UInt8] = []) -> Data {
        var text = Array(header.utf8)
        let fieldSize = version == 1 ? 2 : 4
        while (8 + fieldSize + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0a)
        var bytes = NPY.magic + [version, 0]
        let length = text.count
        bytes += fieldSize == 2
            ? [UInt8(length & 0xff), UInt8(length >> 8)]
            : [UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 24)]
        return Data(bytes + text + payload)
    }

    // MARK: - Files written by numpy

    @Test(arguments: ["f4", "f8", "i4", "i8", "u1", "b1"])
    func readsNumPyFilesOfEveryDtypeAndVersion(dtype: String) throws {
        let expected = try #require(Self.samples[dtype])
        for name in ["\(dtype).npy", "\(dtype)_v2.npy"] {
            let array = try NPY.read(contentsOf: Self.fixture(name))
            #expect(Self.bitwiseEqual(array, expected), "\(name)")
            #expect(array.dtype.hasSuffix(dtype))
            #expect(array.shape == [2, 3])
        }
    }

    @Test(arguments: ["f4", "f8", "i4", "i8", "u1", "b1"])
    func encodesByteForByteLikeNumPy(dtype: String) throws {
        let expected = try #require(Self.samples[dtype])
        let numpyBytes = try Data(contentsOf: Self.fixture("\(dtype).npy"))
        #expect(NPY.encode(expected) == numpyBytes)
        // Version 2.0 as np.lib.format.write_array(version=(2, 0)) writes it.
        let numpyV2Bytes = try Data(contentsOf: Self.fixture("\(dtype)_v2.npy"))
        let v2: Data = switch expected {
        case .float32(let t): NPY.encode(t, version: 2)
        case .float64(let t): NPY.encode(t, version: 2)
        case .int32(let t): NPY.encode(t, version: 2)
        case .int64(let t): NPY.encode(t, version: 2)
        case .uint8(let t): NPY.encode(t, version: 2)
        case .bool(let t): NPY.encode(t, version: 2)
        }
        #expect(v2 == numpyV2Bytes)
    }

    @Test func readsVersion3Files() throws {
        let array = try NPY.read(contentsOf: Self.fixture("f8_v3.npy"))
        #expect(Self.bitwiseEqual(array, try #require(Self.samples["f8"])))
    }

    @Test func convertsFortranOrderToRowMajor() throws {
        // np.asfortranarray(np.arange(24.0).reshape(2, 3, 4) * 0.5)
        let doubles = try NPY.read(contentsOf: Self.fixture("fortran_f8.npy"))
        #expect(doubles == .float64(try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Double($0) * 0.5 })))
        // np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))
        let ints = try NPY.read(contentsOf: Self.fixture("fortran_i4.npy"))
        #expect(ints == .int32(try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])))
    }

    @Test func readsScalarsEmptyArraysAndBigEndianData() throws {
        #expect(try NPY.read(contentsOf: Self.fixture("scalar_f8.npy")) == .float64(Tensor(-3.75)))
        let empty = try NPY.read(contentsOf: Self.fixture("empty_f4.npy"))
        #expect(empty == .float32(try Tensor(shape: [0, 3], scalars: [])))
        // (np.arange(6.0).reshape(2, 3) - 2.5).astype(">f8") and np.array([-2, 70000, 3], ">i4")
        #expect(try NPY.read(contentsOf: Self.fixture("big_endian_f8.npy"))
            == .float64(try Tensor(shape: [2, 3], scalars: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])))
        #expect(try NPY.read(contentsOf: Self.fixture("big_endian_i4.npy")) == .int32(Tensor([-2, 70000, 3])))
    }

    // MARK: - Round trips

    @Test func roundTripsEveryDtypeThroughFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("NPYTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, array) in Self.samples {
            let url = directory.appendingPathComponent("\(name).npy")
            try NPY.write(array, to: url)
            #expect(Self.bitwiseEqual(try NPY.read(contentsOf: url), array), "\(name)")
        }
        // The generic writer, Int stored as <i8, a 0-d array and an empty one.
        let url = directory.appendingPathComponent("int.npy")
        try NPY.write(try Tensor<Int>(shape: [3, 1], scalars: [-5, 0, 1 << 50]), to: url)
        #expect(try NPY.read(contentsOf: url) == .int64(try Tensor(shape: [3, 1], scalars: [-5, 0, 1 << 50])))
        try NPY.write(Tensor<Float>(7.25), to: url)
        #expect(try NPY.read(contentsOf: url) == .float32(Tensor(7.25)))
        try NPY.write(try Tensor<UInt8>(shape: [4, 0, 2], scalars: []), to: url)
        #expect(try NPY.read(contentsOf: url).shape == [4, 0, 2])
        // Only the final file is left behind: the temporary file was renamed over it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == (Self.samples.keys.map { "\($0).npy" } + ["int.npy"]).sorted())
    }

    @Test func roundTripsVersion2() throws {
        for array in Self.samples.values {
            guard case .float64(let tensor) = array else { continue }
            let data = NPY.encode(tensor, version: 2)
            #expect(Array(data.prefix(8)) == NPY.magic + [2, 0])
            #expect(Self.bitwiseEqual(try NPY.decode(data), array))
        }
        // A header longer than 65535 bytes switches to version 2.0 by itself.
        let deep = try Tensor<Bool>(shape: Array(repeating: 1, count: 25_000), scalars: [true])
        let data = NPY.encode(deep)
        #expect(Array(data.prefix(8)) == NPY.magic + [2, 0])
        #expect(data.count % 64 == 1)  // 64-byte aligned header, then one data byte
        #expect(try NPY.decode(data) == .bool(deep))
    }

    @Test func convertsToFloatsAndIntegers() throws {
        let ints = NPYArray(try Tensor<Int32>(shape: [3], scalars: [-2, 0, 7]))
        #expect(ints.floats(Double.self) == (try Tensor(shape: [3], scalars: [-2.0, 0, 7])))
        #expect(try ints.integers() == Tensor([-2, 0, 7]))
        let flags = NPYArray(Tensor([true, false]))
        #expect(flags.floats(Float.self) == Tensor<Float>([1, 0]))
        #expect(try flags.integers() == Tensor([1, 0]))
        let bytes = NPYArray(Tensor<UInt8>([255, 3]))
        #expect(try bytes.integers() == Tensor([255, 3]))
        let doubles = NPYArray(Tensor([0.1, 2.5]))
        #expect(doubles.floats(Float.self) == Tensor<Float>([0.1, 2.5]))
        #expect(NPYArray(Tensor<Int64>([1 << 53 + 1])).floats(Double.self) == Tensor([9_007_199_254_740_992.0]))
        #expect(throws: ConvKitError(
            "NPYArray.integers", "dtype <f8 of the array of shape [2] is not an integer type")) {
            try doubles.integers()
        }
    }

    @Test func parsesHeadersInAnyReasonableForm() throws {
        let payload: [UInt8] = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]
        let headers = [
            "{'shape': (3,), 'fortran_order': False, 'descr': '<i4'}",
            "{ \"descr\" : \"<i4\" ,'fortran_order':False,'shape':(3, ),,}".replacingOccurrences(of: ",,", with: ","),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (3L,), }",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (3), 'extra': [1, (2, None)], }",
            "{'descr': '=i4', 'fortran_order': True, 'shape': [3]}",
        ]
        for header in headers {
            #expect(try NPY.decode(Self.file(header: header, payload: payload)) == .int32(Tensor([1, 2, 3])), "\(header)")
        }
        // The shapes of 0-d and multi-axis arrays; extra data after the array is ignored, as numpy does.
        let scalar = Self.file(header: "{'descr': '<i4', 'fortran_order': False, 'shape': ()}", payload: payload)
        #expect(try NPY.decode(scalar) == .int32(Tensor(1)))
        let matrix = Self.file(header: "{'descr': '<u1', 'fortran_order': False, 'shape': (2, 1, 2)}", payload: [9, 8, 7, 6])
        #expect(try NPY.decode(matrix) == .uint8(try Tensor(shape: [2, 1, 2], scalars: [9, 8, 7, 6])))
    }

    // MARK: - Bad input

    @Test func rejectsBadMagicAndVersions() {
        #expect(throws: ConvKitError(
            "NPY.decode", "x.npy: bad magic string \"PK\\x03\\x04\\x14\\x00\", expected \"\\x93NUMPY\": not an .npy file")) {
            try NPY.decode(Data([0x50, 0x4b, 3, 4, 0x14, 0, 0, 0, 0, 0]), source: "x.npy")
        }
        #expect(throws: ConvKitError(
            "NPY.decode", "data: truncated file: only 4 bytes, too short for an .npy preamble")) {
            try NPY.decode(Data(NPY.magic.prefix(4)))
        }
        #expect(throws: ConvKitError(
            "NPY.decode", "data: unsupported .npy format version 4.0 (1.0, 2.0 and 3.0 are supported)")) {
            try NPY.decode(Data(NPY.magic + [4, 0, 0, 0]))
        }
        #expect(throws: ConvKitError(
            "NPY.decode", "data: truncated file: only 10 bytes, too short for a version 2.0 preamble of 12 bytes")) {
            try NPY.decode(Data(NPY.magic + [2, 0, 0, 0]))
        }
    }

    @Test func rejectsTruncatedHeadersAndData() throws {
        let full = try Data(contentsOf: Self.fixture("f8.npy"))
        #expect(throws: ConvKitError(
            "NPY.decode", "f8.npy: truncated header: the preamble announces 118 header bytes but only 50 follow")) {
            try NPY.decode(full.prefix(60), source: "f8.npy")
        }
        #expect(throws: ConvKitError(
            "NPY.decode", "f8.npy: header says shape [2, 3] of <f8 (48 bytes) but only 40 data bytes follow")) {
            try NPY.decode(full.dropLast(8), source: "f8.npy")
        }
        let path = Self.fixture("f8.npy").path
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("NPYTests-\(UUID().uuidString).npy")
        try full.prefix(128).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ConvKitError(
            "NPY.read", "\(url.path): header says shape [2, 3] of <f8 (48 bytes) but only 0 data bytes follow")) {
            try NPY.read(contentsOf: url)
        }
        #expect(throws: ConvKitError.self) {
            try NPY.read(contentsOf: URL(fileURLWithPath: path + ".missing"))
        }
    }

    @Test func rejectsMalformedHeaderDicts() {
        let cases: [(String, String)] = [
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ",
             "malformed header dict (expected a value but the header ended at byte 118): \"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3),\""),
            ("['descr', '<f8']", "header is not a dict: \"['descr', '<f8']\""),
            ("{'descr': '<f8', 'shape': (2,)}",
             "header dict has no 'fortran_order' key: \"{'descr': '<f8', 'shape': (2,)}\""),
            ("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}",
             "header 'fortran_order' is not True or False: \"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}\""),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 'a')}",
             "header 'shape' is not a tuple of integers: \"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 'a')}\""),
            ("{'descr': '<f8', 'fortran_order': Nope, 'shape': ()}",
             "malformed header dict (unknown name 'Nope' at byte 34): \"{'descr': '<f8', 'fortran_order': Nope, 'shape': ()}\""),
            ("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}",
             "header 'descr' is not a dtype string (structured dtypes are not supported): \"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}\""),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
             "malformed header dict (integer too large at byte 51): \"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}\""),
            (String(repeating: "[", count: 40),
             "malformed header dict (nesting deeper than 32 levels at byte 32): \"\(String(repeating: "[", count: 40))\""),
        ]
        for (header, reason) in cases {
            #expect(throws: ConvKitError("NPY.decode", "h.npy: " + reason)) {
                try NPY.decode(Self.file(header: header), source: "h.npy")
            }
        }
    }

    @Test func rejectsUnsupportedDtypesFromNumPy() {
        let supported = "(supported: <f4, <f8, <i4, <i8, |u1, |b1, either byte order)"
        for (name, descriptor) in [("complex_c16.npy", "<c16"), ("unicode_U5.npy", "<U5"), ("object_O.npy", "|O")] {
            let url = Self.fixture(name)
            #expect(throws: ConvKitError("NPY.read", "\(url.path): unsupported dtype '\(descriptor)' \(supported)")) {
                try NPY.read(contentsOf: url)
            }
        }
        #expect(throws: ConvKitError("NPY.decode", "data: unsupported dtype '|f8' \(supported)")) {
            try NPY.decode(Self.file(header: "{'descr': '|f8', 'fortran_order': False, 'shape': ()}"))
        }
    }

    @Test func rejectsNegativeAndOverflowingShapes() {
        #expect(throws: ConvKitError("NPY.decode", "data: header shape [2, -3] has a negative axis")) {
            try NPY.decode(Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}"))
        }
        let huge = "(4611686018427387904, 4)"
        #expect(throws: ConvKitError(
            "NPY.decode", "data: header shape [4611686018427387904, 4] of <i4 is too large to address")) {
            try NPY.decode(Self.file(header: "{'descr': '<i4', 'fortran_order': False, 'shape': \(huge)}"))
        }
        // A zero axis does not excuse the others from overflowing.
        #expect(throws: ConvKitError(
            "NPY.decode", "data: header shape [0, 9223372036854775807, 2] of |u1 is too large to address")) {
            try NPY.decode(Self.file(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 9223372036854775807, 2)}"))
        }
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        let original = try Data(contentsOf: Self.fixture("fortran_f8.npy"))
        var random = NumPyRandomState(seed: 99)
        // Every strict prefix is missing header or data bytes.
        for length in 0..<original.count {
            #expect(throws: ConvKitError.self) { try NPY.decode(original.prefix(length)) }
        }
        var decoded = 0
        for _ in 0..<300 {
            var bytes = [UInt8](original)
            for _ in 0...Int(random.nextInterval(3)) {
                let position = Int(random.nextInterval(UInt64(bytes.count - 1)))
                bytes[position] = UInt8(truncatingIfNeeded: random.nextUInt32())
            }
            let cut = Int(random.nextInterval(UInt64(bytes.count)))
            let candidate = Data(random.nextDouble() < 0.5 ? bytes : Array(bytes.prefix(cut)))
            if let array = try? NPY.decode(candidate) {
                decoded += 1
                #expect(array.shape.reduce(1, *) <= candidate.count)
            }
        }
        // Flips in the data bytes still decode, so some files must have survived.
        #expect(decoded > 0)
        #expect(decoded < 300)
    }
}
