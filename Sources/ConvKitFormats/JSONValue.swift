import ConvKitCore
/// A JSON value (RFC 8259) as found in a safetensors header, parsed strictly: duplicate
/// keys, trailing commas, leading zeros and lone surrogates are rejected, nesting is limited.
///
/// A parser of its own rather than `JSONSerialization` gives exact integers (no `NSNumber`
/// bridging that turns `true` into 1 or `1.0` into an integer) and one-line error messages.
indirect enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case boolean(Bool)
    case null

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// Why parsing stopped, with the byte offset.
    struct SyntaxError: Error, Equatable {
        var offset: Int
        var reason: String
    }

    /// A short name of the value's kind for error messages: "a string", "an integer", …
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "a boolean"
        case .null: "null"
        }
    }

    /// Parses one JSON value filling `bytes` apart from surrounding whitespace.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = Parser(bytes: Array(bytes))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == parser.bytes.count else {
            throw SyntaxError(offset: parser.offset, reason: "unexpected text after the JSON value")
        }
        return value
    }

    /// The JSON text of a string, escaped the way serde_json (and so the safetensors
    /// package) writes it: `"` `\` and control characters escaped, everything else verbatim UTF-8.
    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private struct Parser {
        /// Deeper nesting is rejected, so a hostile header cannot exhaust the stack.
        static let maximumDepth = 64

        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { offset += 1 }
        }

        mutating func expect(_ literal: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
            let word = Array(literal.utf8)
            guard bytes.count - offset >= word.count, bytes[offset ..< offset + word.count].elementsEqual(word) else {
                throw SyntaxError(offset: offset, reason: "unexpected character")
            }
            offset += word.count
            return value
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth < Self.maximumDepth else {
                throw SyntaxError(offset: offset, reason: "nesting deeper than \(Self.maximumDepth) levels")
            }
            skipWhitespace()
            guard let byte = current else { throw SyntaxError(offset: offset, reason: "expected a value but the text ended") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .boolean(true))
            case UInt8(ascii: "f"): return try expect("false", .boolean(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw SyntaxError(offset: offset, reason: "unexpected character")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            offset += 1
            var members = [(key: String, value: JSONValue)]()
            var keys = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let keyOffset = offset
                guard current == UInt8(ascii: "\"") else { throw SyntaxError(offset: offset, reason: "expected a string key") }
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw SyntaxError(offset: keyOffset, reason: "duplicate key \(JSONValue.quoted(key))")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw SyntaxError(offset: offset, reason: "expected ':'") }
                offset += 1
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                } else if current == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                } else {
                    throw SyntaxError(offset: offset, reason: "expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            offset += 1
            var items = [JSONValue]()
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                offset += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                } else if current == UInt8(ascii: "]") {
                    offset += 1
                    return .array(items)
                } else {
                    throw SyntaxError(offset: offset, reason: "expected ',' or ']'")
                }
            }
        }

        mutating func hexQuad() throws(SyntaxError) -> UInt32 {
            guard bytes.count - offset >= 4 else { throw SyntaxError(offset: offset, reason: "truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = current, let nibble = Character(UnicodeScalar(digit)).hexDigitValue else {
                    throw SyntaxError(offset: offset, reason: "bad hex digit in a \\u escape")
                }
                value = value << 4 | UInt32(nibble)
                offset += 1
            }
            return value
        }

        mutating func string() throws(SyntaxError) -> String {
            let start = offset
            offset += 1
            var content = [UInt8]()
            while true {
                guard let byte = current else { throw SyntaxError(offset: start, reason: "unterminated string") }
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: content, as: UTF8.self) else {
                        throw SyntaxError(offset: start, reason: "string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    guard let escape = current else { throw SyntaxError(offset: start, reason: "unterminated string") }
                    offset += 1
                    let simple: [UInt8: UInt8] = [
                        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5c, UInt8(ascii: "/"): 0x2f,
                        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0c, UInt8(ascii: "n"): 0x0a,
                        UInt8(ascii: "r"): 0x0d, UInt8(ascii: "t"): 0x09,
                    ]
                    if let replacement = simple[escape] {
                        content.append(replacement)
                        continue
                    }
                    guard escape == UInt8(ascii: "u") else {
                        throw SyntaxError(offset: offset - 2, reason: "unknown escape '\\\(Character(UnicodeScalar(escape)))'")
                    }
                    var code = try hexQuad()
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard bytes.count - offset >= 2, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                            throw SyntaxError(offset: offset, reason: "lone surrogate in a \\u escape")
                        }
                        offset += 2
                        let low = try hexQuad()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw SyntaxError(offset: offset, reason: "lone surrogate in a \\u escape")
                        }
                        code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else {
                        throw SyntaxError(offset: offset, reason: "lone surrogate in a \\u escape")
                    }
                    content += Array(String(Character(scalar)).utf8)
                default:
                    guard byte >= 0x20 else {
                        throw SyntaxError(offset: offset - 1, reason: "unescaped control character in a string")
                    }
                    content.append(byte)
                }
            }
        }

        mutating func number() throws(SyntaxError) -> JSONValue {
            let start = offset
            if current == UInt8(ascii: "-") { offset += 1 }
            func digits() -> Int {
                let first = offset
                while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
                return offset - first
            }
            let integerStart = offset
            let integerDigits = digits()
            guard integerDigits > 0 else { throw SyntaxError(offset: start, reason: "expected digits") }
            guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
                throw SyntaxError(offset: start, reason: "a number must not have leading zeros")
            }
            var isInteger = true
            if current == UInt8(ascii: ".") {
                offset += 1
                isInteger = false
                guard digits() > 0 else { throw SyntaxError(offset: start, reason: "expected digits after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                offset += 1
                isInteger = false
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
                guard digits() > 0 else { throw SyntaxError(offset: start, reason: "expected digits in the exponent") }
            }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            if isInteger, let integer = Int(text) { return .integer(integer) }
            guard let number = Double(text) else { throw SyntaxError(offset: start, reason: "bad number") }
            return .number(number)
        }
    }
}
