import Foundation

/// A finite floating-point value written in decimal, `±0.d₁d₂…dₙ × 10^pointPosition`: the
/// digit string numpy's Dragon4 printer works with.
///
/// The digits come either from Swift's `description`, which is the shortest string that reads
/// back to the same value (what numpy prints in its "unique" mode), or from the C library's
/// `printf`, which rounds the exact binary value correctly (what numpy does when it cuts the
/// digits at a precision).
struct DecimalDigits {
    /// Whether the sign bit is set; true for `-0.0`.
    var isNegative: Bool
    /// The significant digits (0–9), without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// How many digits stand before the decimal point; may be negative or exceed `digits.count`.
    var pointPosition: Int

    /// Reads a decimal numeral such as `-0.001234`, `1e+16` or `-1.50000000e-05`.
    init(parsing text: String) {
        var rest = Substring(text)
        isNegative = rest.first == "-"
        if isNegative { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        let exponent = Int(rest.dropFirst(mantissa.count + 1)) ?? 0
        let integerPart = mantissa.prefix { $0 != "." }
        let fractionPart = mantissa.dropFirst(integerPart.count + 1)
        var all = (integerPart + fractionPart).compactMap { $0.wholeNumberValue.map(UInt8.init) }
        var position = integerPart.count + exponent
        let leadingZeros = all.prefix { $0 == 0 }.count
        all.removeFirst(leadingZeros)
        position -= leadingZeros
        while all.last == 0 { all.removeLast() }
        digits = all
        pointPosition = all.isEmpty ? 1 : position
    }

    /// The shortest digits that identify `value` among values of its own type.
    init<F: NumpyFloat>(shortest value: F) {
        self.init(parsing: value.description)
    }

    /// `value` correctly rounded to `count` digits after the decimal point.
    init(_ value: Double, fractionDigits count: Int) {
        self.init(parsing: String(format: "%.\(count)f", value))
    }

    /// `value` correctly rounded to `count` significant digits.
    init(_ value: Double, significantDigits count: Int) {
        self.init(parsing: String(format: "%.\(Swift.max(count - 1, 0))e", value))
    }

    /// The number of digits after the decimal point in positional notation.
    var fractionDigitCount: Int { Swift.max(digits.count - pointPosition, 0) }

    /// The power of ten of the first digit, as scientific notation writes it (0 for zero).
    var exponent: Int { digits.isEmpty ? 0 : pointPosition - 1 }

    /// The sign and the digits before the decimal point, at least `"0"`: `"-12"`.
    var positionalIntegerPart: String {
        let whole = pointPosition <= 0
            ? [0] : Array(digits.prefix(pointPosition)) + zeros(pointPosition - digits.count)
        return sign + text(whole)
    }

    /// The digits after the decimal point, possibly empty.
    var positionalFractionPart: String {
        if pointPosition >= digits.count { return "" }
        if pointPosition <= 0 { return text(zeros(-pointPosition) + digits) }
        return text(digits.dropFirst(pointPosition))
    }

    /// The sign and the first digit: `"-1"`.
    var scientificIntegerPart: String { sign + text([digits.first ?? 0]) }

    /// The digits after the first one, padded with zeros to `minimumCount`.
    func scientificFractionPart(minimumCount: Int = 0) -> String {
        let fraction = Array(digits.dropFirst())
        return text(fraction + zeros(minimumCount - fraction.count))
    }

    /// The exponent as numpy writes it: `e`, a sign, then at least `minimumDigits` digits.
    func exponentSuffix(minimumDigits: Int = 2) -> String {
        let magnitude = String(exponent.magnitude)
        return "e" + (exponent < 0 ? "-" : "+")
            + String(repeating: "0", count: Swift.max(minimumDigits - magnitude.count, 0)) + magnitude
    }

    private var sign: String { isNegative ? "-" : "" }

    private func zeros(_ count: Int) -> [UInt8] { Array(repeating: 0, count: Swift.max(count, 0)) }

    private func text<Digits: Sequence<UInt8>>(_ values: Digits) -> String {
        String(decoding: values.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
