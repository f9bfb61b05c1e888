import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// safetensors files against the Python `safetensors` package
/// (fixtures from Scripts/fixtures/make_data_fixtures.py; Scripts/check_safetensors.py reads
/// ConvKit's file back in Python).
@Suite struct FormatSafeTensorsTests {
    static let folder = FormatTestSupport.fixture("formats/safetensors")

    /// The arrays of `reference_arrays()` in the fixture script.
    static let reference: [String: NPYArray] = {
        func tensor<T>(_ shape: [Int], _ values: [T]) -> Tensor<T> { Tensor(uncheckedShape: shape, scalars: values) }
        return [
            "conv1.weight": .float32(tensor([2, 3, 2, 2], (0..<24).map { Float($0) * 0.25 - 3 })),
            "conv1.bias": .float32(tensor([2], [0.5, -1.5])),
            "step": .int64(tensor([], [1_234_567_890_123])),
            "counts": .int32(tensor([2, 2], [1, -2, 3, 4])),
            "mask": .bool(tensor([3], [true, false, true])),
            "pixels": .uint8(tensor([3], [0, 127, 255])),
            "scale": .float64(tensor([2], [1e-300, Double.pi])),
            "empty": .float32(tensor([0, 3], [])),
        ]
    }()

    static let convkitMetadata = ["format": "np", "written_by": "ConvKit"]

    @Test func readsAFileWrittenByPython() throws {
        let (tensors, metadata) = try SafeTensors.read(contentsOf: Self.folder.appendingPathComponent("python.safetensors"))
        #expect(tensors == Self.reference)
        #expect(metadata == ["format": "np"])
    }

    @Test func writesByteForByteLikePython() throws {
        let python = try Data(contentsOf: Self.folder.appendingPathComponent("python.safetensors"))
        #expect(try SafeTensors.encode(Self.reference, metadata: ["format": "np"]) == python)
    }

    /// The committed file that Scripts/check_safetensors.py loads with the Python package.
    @Test func writesTheFileTheCheckScriptVerifies() throws {
        let url = Self.folder.appendingPathComponent("convkit.safetensors")
        if ProcessInfo.processInfo.environment["CONVKIT_REGENERATE_FIXTURES"] == "1" {
            try SafeTensors.write(Self.reference, metadata: Self.convkitMetadata, to: url)
        }
        #expect(try SafeTensors.encode(Self.reference, metadata: Self.convkitMetadata) == Data(contentsOf: url))
        let (tensors, metadata) = try SafeTensors.read(contentsOf: url)
        #expect(tensors == Self.reference)
        #expect(metadata == Self.convkitMetadata)
    }

    @Test func roundTripsThroughFilesWithAlignedHeaders() throws {
        let url = FormatTestSupport.temporaryURL(".safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let weights = ["fc.weight": try Tensor<Float>(shape: [2, 2], scalars: [1, -0, .infinity, -2.5]),
                       "é \"quoted\"\n": Tensor<Float>([Float.leastNonzeroMagnitude])]
        let metadata = ["note": "tab\there, quote \" backslash \\ control \u{1} snowman ☃"]
        try SafeTensors.write(weights, metadata: metadata, to: url)
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        let (tensors, readMetadata) = try SafeTensors.read(contentsOf: url)
        #expect(tensors.mapValues { $0.floats(Float.self) } == weights)
        #expect(readMetadata == metadata)
        // No metadata: no __metadata__ key at all.
        let bare = try SafeTensors.encode(["a": .uint8(Tensor([1, 2]))])
        #expect(String(decoding: bare.dropFirst(8), as: UTF8.self).hasPrefix("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}"))
        #expect(try SafeTensors.decode(bare).tensors == ["a": .uint8(Tensor([1, 2]))])
        #expect(try SafeTensors.decode(SafeTensors.encode([:])).tensors.isEmpty)
    }

    @Test func widensDtypesNumPyDoesNotShare() throws {
        let expected = try NPZ.read(contentsOf: Self.folder.appendingPathComponent("widened_expected.npz"))
        let (tensors, _) = try SafeTensors.read(contentsOf: Self.folder.appendingPathComponent("widened.safetensors"))
        #expect(tensors["f16"] == expected["f16"])
        #expect(tensors["i8"] == .int32(Tensor([-128, 127])))
        #expect(tensors["i16"] == .int32(Tensor([-32768, 32767])))
        #expect(tensors["u16"] == .int32(Tensor([0, 65535])))
        #expect(tensors["u32"] == .int64(Tensor([0, 4_294_967_295])))
        #expect(tensors["u64"] == .int64(Tensor([0, Int64.max])))
        let bf16 = try SafeTensors.read(contentsOf: Self.folder.appendingPathComponent("bf16.safetensors")).tensors
        #expect(bf16["bf16"] == expected["bf16"])
        #expect(SafeTensorsDType.halfToFloat(0x7e00).isNaN)
        #expect(SafeTensorsDType.halfToFloat(0x8001) == -0x1p-24)
    }

    /// A file with the given header text (padded) and data bytes.
    static func file(_ header: String, data: [UInt8] = [], announce: Int? = nil) -> Data {
        var bytes = Array(header.utf8)
        bytes += [UInt8](repeating: 0x20, count: (8 - bytes.count % 8) % 8)
        var file = [UInt8]()
        storeLittleEndian(UInt64(announce ?? bytes.count), into: &file)
        return Data(file + bytes + data)
    }

    @Test func rejectsMalformedFilesWithClearMessages() throws {
        func message(_ data: Data) -> String { FormatTestSupport.message { try SafeTensors.decode(data, source: "m.safetensors") } }
        let prefix = "SafeTensors.decode: m.safetensors: "
        #expect(message(Data([1, 2, 3])) == prefix + "truncated file: 3 bytes, too short for the 8-byte header length")
        #expect(message(Self.file("{}", announce: 100_000_001)) == prefix + "header length 100000001 exceeds the limit of 100000000 bytes: not a safetensors file?")
        #expect(message(Self.file("{}", announce: 64)) == prefix + "truncated file: the header length says 64 bytes but only 8 follow")
        #expect(message(Self.file("[1]")) == prefix + "the header does not start with '{': not a safetensors file")
        #expect(message(Self.file("{\"a\":}")) == prefix + "the header is not valid JSON: unexpected character at header byte 5")
        #expect(message(Self.file("{\"a\":1,\"a\":2}")) == prefix + "the header is not valid JSON: duplicate key \"a\" at header byte 7")
        #expect(message(Self.file("{\"__metadata__\":[]}")) == prefix + "'__metadata__' is an array, expected an object of strings")
        #expect(message(Self.file("{\"__metadata__\":{\"k\":1}}")) == prefix + "'__metadata__' value of 'k' is an integer, expected a string")
        #expect(message(Self.file("{\"t\":3}")) == prefix + "tensor 't' is an integer, expected an object with dtype, shape and data_offsets")
        #expect(message(Self.file("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])) == prefix + "tensor 't' has no 'dtype'")
        #expect(message(Self.file("{\"t\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}")) == prefix + "tensor 't': 'dtype' is an integer, expected a string")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", data: [0])) == prefix + "tensor 't' has unsupported dtype 'F8_E4M3' (supported: BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,4]}}")) == prefix + "tensor 't': 'shape' is an integer, expected an array of non-negative integers")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}")) == prefix + "tensor 't': 'shape' holds a negative integer, expected non-negative integers")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}")) == prefix + "tensor 't': 'shape' holds a number, expected non-negative integers")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}")) == prefix + "tensor 't': 'data_offsets' has 1 values, expected [begin, end]")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0])) == prefix + "tensor 't' has data_offsets [0, 4] outside the 2 data bytes")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0])) == prefix + "tensor 't' of shape [2] and dtype F32 needs 8 bytes but data_offsets [0, 4] hold 4")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"F64\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,0]}}")) == prefix + "tensor 't' of shape [2147483648, 2147483648] and dtype F64 needs more than Int.max bytes but data_offsets [0, 0] hold 0")
        #expect(message(Self.file("{\"t\":{\"dtype\":\"U8\",\"shape\":[9223372036854775807,2],\"data_offsets\":[0,0]}}")) == prefix + "tensor 't' has shape [9223372036854775807, 2], too large to address")
        let two = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}"
        #expect(message(Self.file(two, data: [1, 2, 3])) == prefix + "tensor 'b' has data_offsets [1, 3] but the previous tensor ends at 2: tensors overlap")
        let gap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}"
        #expect(message(Self.file(gap, data: [1, 2])) == prefix + "tensor 'a' has data_offsets [1, 2] but the previous tensor ends at 0: there is a gap of 1 bytes")
        let short = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}"
        #expect(message(Self.file(short, data: [1, 2])) == prefix + "the tensors cover 1 data bytes but 2 follow the header: the file has bytes no tensor owns")
        let big = "{\"a\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}"
        #expect(message(Self.file(big, data: [UInt8](repeating: 0xff, count: 8))) == prefix + "tensor 'a': U64 value 18446744073709551615 does not fit in Int64")

        #expect(FormatTestSupport.message { try SafeTensors.encode(["": .uint8(Tensor([1]))]) }
            == "SafeTensors.encode: a tensor name is empty; every tensor needs a name")
        #expect(FormatTestSupport.message { try SafeTensors.write(["__metadata__": .uint8(Tensor([1]))], to: FormatTestSupport.temporaryURL("")) }
            == "SafeTensors.write: the tensor name '__metadata__' is reserved for the metadata map")
        let missing = FormatTestSupport.temporaryURL(".safetensors")
        #expect(FormatTestSupport.message { try SafeTensors.read(contentsOf: missing) }.hasPrefix("SafeTensors.read: cannot read \(missing.path): "))
        let folder = FormatTestSupport.temporaryURL("/no/such/folder/x.safetensors")
        #expect(FormatTestSupport.message { try SafeTensors.write(Self.reference, to: folder) }.hasPrefix("SafeTensors.write: cannot write \(folder.path)"))
    }

    @Test func survivesTruncationsAndByteFlips() throws {
        let data = try SafeTensors.encode(Self.reference, metadata: ["format": "np"])
        for mutated in FormatTestSupport.mutations(of: data, truncations: 80, flips: 600) {
            #expect(FormatTestSupport.throwsCleanly { try SafeTensors.decode(mutated) })
        }
    }

    @Test func parsesJSONStrictly() throws {
        func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(ArraySlice(Array(text.utf8))) }
        #expect(try parse(" {\"a\": [1, -2, 3.5e2, true, false, null, \"\\u00e9\\ud83d\\ude00\\n\"]} ")
            == .object([("a", .array([.integer(1), .integer(-2), .number(350), .boolean(true), .boolean(false), .null, .string("é😀\n")]))]))
        #expect(try parse("99999999999999999999") == .number(1e20))
        for bad in ["[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"\\ud800\"", "\"a", "[1 2]", "{1:2}", "tru", "\"\u{1}\"", "[]]"] {
            #expect(throws: JSONValue.SyntaxError.self, "\(bad)") { try parse(bad) }
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONValue.SyntaxError(offset: 64, reason: "nesting deeper than 64 levels")) { try parse(deep) }
        #expect(JSONValue.quoted("a\"b\\c\u{1f}\u{8}\u{c}\r\t/é") == "\"a\\\"b\\\\c\\u001f\\b\\f\\r\\t/é\"")
    }
}
