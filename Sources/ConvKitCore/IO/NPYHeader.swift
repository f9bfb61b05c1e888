/// The header dict of an `.npy` file: `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
    /// The dtype descriptor, e.g. `"<f8"`.
    var descriptor: String
    /// True when the data is stored column-major (Fortran order).
    var fortranOrder: Bool
    /// The array shape; empty for a 0-d array.
    var shape: [Int]

    /// What made a header unusable; `NPY` adds the function and source to the message.
    struct Problem: Error, Equatable {
        var reason: String
    }

    /// Parses a header's text (everything after the length field).
    ///
    /// Keys may come in any order; trailing spaces, the newline and trailing commas are
    /// accepted, and unknown keys are ignored.
    static func parse(_ bytes: [UInt8], utf8: Bool) throws(Problem) -> NPYHeader {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(bytes, utf8: utf8)
        } catch {
            throw Problem(
                reason: "malformed header dict (\(error.reason) at byte \(error.offset)): \(quoted(bytes))")
        }
        guard case .dictionary(let entries) = literal else {
            throw Problem(reason: "header is not a dict: \(quoted(bytes))")
        }
        func value(_ key: String) throws(Problem) -> PythonLiteral {
            guard let entry = entries.last(where: { $0.key == key }) else {
                throw Problem(reason: "header dict has no '\(key)' key: \(quoted(bytes))")
            }
            return entry.value
        }
        guard case .string(let descriptor) = try value("descr") else {
            throw Problem(reason: "header 'descr' is not a dtype string (structured dtypes are not supported): \(quoted(bytes))")
        }
        guard case .boolean(let fortranOrder) = try value("fortran_order") else {
            throw Problem(reason: "header 'fortran_order' is not True or False: \(quoted(bytes))")
        }
        let shapeItems: [PythonLiteral]
        switch try value("shape") {
        case .tuple(let items), .list(let items): shapeItems = items
        case .integer(let size): shapeItems = [.integer(size)]  // `(3)` parses as a plain 3
        default: throw Problem(reason: "header 'shape' is not a tuple of integers: \(quoted(bytes))")
        }
        var shape = [Int]()
        for item in shapeItems {
            guard case .integer(let size) = item else {
                throw Problem(reason: "header 'shape' is not a tuple of integers: \(quoted(bytes))")
            }
            shape.append(size)
        }
        return NPYHeader(descriptor: descriptor, fortranOrder: fortranOrder, shape: shape)
    }

    /// The dict exactly as numpy 2 writes it, including the spare spaces numpy leaves so the
    /// first axis can grow in place; the caller adds alignment padding and the newline.
    var dictionaryText: String {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let python = fortranOrder ? "True" : "False"
        var text = "{'descr': '\(descriptor)', 'fortran_order': \(python), 'shape': \(shapeText), }"
        // numpy's GROWTH_AXIS_MAX_DIGITS (21) minus the digits of the growth axis.
        if let growthAxis = fortranOrder ? shape.last : shape.first {
            text += String(repeating: " ", count: max(0, 21 - String(growthAxis).count))
        }
        return text
    }

    /// The header bytes for messages: printable ASCII kept, the rest escaped, long text cut.
    static func quoted(_ bytes: [UInt8]) -> String {
        let limit = 200
        var text = ""
        for byte in bytes.prefix(limit) {
            if byte >= 0x20 && byte < 0x7f {
                text.append(Character(Unicode.Scalar(byte)))
            } else if byte == 0x0a {
                text += "\\n"
            } else {
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        while text.hasSuffix(" ") || text.hasSuffix("\\n") {
            text = text.hasSuffix(" ") ? String(text.dropLast()) : String(text.dropLast(2))
        }
        return "\"" + text + (bytes.count > limit ? "…" : "") + "\""
    }
}
