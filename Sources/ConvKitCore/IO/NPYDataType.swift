/// A dtype descriptor from an `.npy` header that ConvKit can read, with its byte order.
struct NPYDataType: Equatable {
    /// The element types ConvKit reads.
    enum Kind: String, CaseIterable {
        case float32 = "f4", float64 = "f8", int32 = "i4", int64 = "i8", uint8 = "u1", bool = "b1"

        var byteCount: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            case .uint8, .bool: 1
            }
        }
    }

    var kind: Kind
    /// True for `>` descriptors, whose elements must be byte-swapped.
    var bigEndian: Bool

    /// The supported descriptors, for error messages.
    static let supportedList = Kind.allCases.map { ($0.byteCount == 1 ? "|" : "<") + $0.rawValue }
        .joined(separator: ", ")

    /// Recognises `<f8`, `>i4`, `|u1`, `=f4`, …; nil for every other dtype.
    init?(descriptor: String) {
        var code = Substring(descriptor)
        var order: Character = "="
        if let first = code.first, "<>=|".contains(first) {
            order = first
            code = code.dropFirst()
        }
        guard let kind = Kind(rawValue: String(code)) else { return nil }
        // `|` means "byte order does not apply", which is only true of one-byte types.
        if order == "|" && kind.byteCount != 1 { return nil }
        self.kind = kind
        // `=` is native order, little-endian on every platform ConvKit runs on.
        self.bigEndian = order == ">" && kind.byteCount > 1
    }
}
