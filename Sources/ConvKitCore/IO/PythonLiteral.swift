/// A Python literal as found in an `.npy` header: the dict numpy writes with `repr` and
/// reads back with `ast.literal_eval`.
///
/// Only the forms a header can contain are parsed: strings, integers (with Python 2's `L`
/// suffix), `True`, `False`, `None`, tuples, lists and dicts with string keys.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([DictionaryEntry])

    /// One `key: value` pair of a dict, in file order.
    struct DictionaryEntry: Equatable {
        var key: String
        var value: PythonLiteral
    }

    /// Why a header did not parse, with the byte offset where parsing stopped.
    struct SyntaxError: Error, Equatable {
        var offset: Int
        var reason: String
    }

    /// Parses one literal that fills `bytes` apart from surrounding whitespace.
    ///
    /// - Parameter utf8: decode string contents as UTF-8 (format 3.0) rather than Latin-1.
    static func parse(_ bytes: [UInt8], utf8: Bool) throws(SyntaxError) -> PythonLiteral {
        var parser = Parser(bytes: bytes, utf8: utf8)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else {
            throw SyntaxError(offset: parser.offset, reason: "unexpected text after the literal")
        }
        return value
    }

    /// A recursive-descent parser over the header bytes.
    private struct Parser {
        /// Nesting deeper than this is rejected, so a hostile header cannot exhaust the stack.
        static let maximumDepth = 32

        let bytes: [UInt8]
        let utf8: Bool
        var offset = 0

        init(bytes: [UInt8], utf8: Bool) {
            self.bytes = bytes
            self.utf8 = utf8
        }

        var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                offset += 1
            }
        }

        mutating func parseValue(depth: Int) throws(SyntaxError) -> PythonLiteral {
            guard depth < Self.maximumDepth else {
                throw SyntaxError(offset: offset, reason: "nesting deeper than \(Self.maximumDepth) levels")
            }
            skipWhitespace()
            guard let byte = current else {
                throw SyntaxError(offset: offset, reason: "expected a value but the header ended")
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "("):
                let (items, sawComma) = try parseSequence(closing: UInt8(ascii: ")"), depth: depth)
                // `(x)` is just x in Python; `(x,)` is a one-element tuple.
                if items.count == 1, !sawComma, let only = items.first { return only }
                return .tuple(items)
            case UInt8(ascii: "["):
                return .list(try parseSequence(closing: UInt8(ascii: "]"), depth: depth).items)
            case UInt8(ascii: "{"):
                return .dictionary(try parseDictionary(depth: depth))
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .integer(try parseInteger())
            default:
                let word = parseWord()
                switch word {
                case "True": return .boolean(true)
                case "False": return .boolean(false)
                case "None": return .none
                default:
                    throw SyntaxError(
                        offset: offset - word.utf8.count,
                        reason: word.isEmpty ? "unexpected character" : "unknown name '\(word)'")
                }
            }
        }

        mutating func parseWord() -> String {
            let start = offset
            while let byte = current, (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x5f {
                offset += 1
            }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        mutating func parseString() throws(SyntaxError) -> String {
            let start = offset
            guard let quote = current else {
                throw SyntaxError(offset: offset, reason: "expected a string")
            }
            offset += 1
            var content = [UInt8]()
            while true {
                guard let byte = current else {
                    throw SyntaxError(offset: start, reason: "unterminated string")
                }
                offset += 1
                if byte == quote { break }
                if byte == 0x0a {
                    throw SyntaxError(offset: start, reason: "unterminated string")
                }
                if byte == UInt8(ascii: "\\") {
                    // Keep escapes verbatim: no valid dtype or key needs them.
                    guard let escaped = current else {
                        throw SyntaxError(offset: start, reason: "unterminated string")
                    }
                    content.append(byte)
                    content.append(escaped)
                    offset += 1
                } else {
                    content.append(byte)
                }
            }
            if utf8 {
                guard let text = String(validating: content, as: UTF8.self) else {
                    throw SyntaxError(offset: start, reason: "string is not valid UTF-8")
                }
                return text
            }
            return String(content.map { Character(Unicode.Scalar($0)) })
        }

        mutating func parseInteger() throws(SyntaxError) -> Int {
            let start = offset
            var negative = false
            if let sign = current, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                offset += 1
                skipWhitespace()
            }
            var magnitude = 0
            var digits = 0
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else {
                    throw SyntaxError(offset: start, reason: "integer too large")
                }
                magnitude = sum
                digits += 1
                offset += 1
            }
            guard digits > 0 else {
                throw SyntaxError(offset: start, reason: "expected digits")
            }
            // Python 2 wrote long integers as `3L`.
            if let suffix = current, suffix == UInt8(ascii: "L") || suffix == UInt8(ascii: "l") {
                offset += 1
            }
            return negative ? -magnitude : magnitude
        }

        /// Parses comma-separated values up to `closing`, allowing a trailing comma.
        mutating func parseSequence(
            closing: UInt8, depth: Int
        ) throws(SyntaxError) -> (items: [PythonLiteral], sawComma: Bool) {
            offset += 1
            var items = [PythonLiteral]()
            var sawComma = false
            while true {
                skipWhitespace()
                if current == closing {
                    offset += 1
                    return (items, sawComma)
                }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    sawComma = true
                    offset += 1
                } else if current != closing {
                    throw SyntaxError(
                        offset: offset, reason: "expected ',' or '\(Character(Unicode.Scalar(closing)))'")
                }
            }
        }

        mutating func parseDictionary(depth: Int) throws(SyntaxError) -> [DictionaryEntry] {
            offset += 1
            var entries = [DictionaryEntry]()
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    offset += 1
                    return entries
                }
                let keyOffset = offset
                guard case .string(let key) = try parseValue(depth: depth + 1) else {
                    throw SyntaxError(offset: keyOffset, reason: "dict keys must be strings")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else {
                    throw SyntaxError(offset: offset, reason: "expected ':' after key '\(key)'")
                }
                offset += 1
                entries.append(DictionaryEntry(key: key, value: try parseValue(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    offset += 1
                } else if current != UInt8(ascii: "}") {
                    throw SyntaxError(offset: offset, reason: "expected ',' or '}'")
                }
            }
        }
    }
}
