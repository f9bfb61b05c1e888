/// numpy's `FloatingFormat` under the default print options (`precision=8`,
/// `floatmode='maxprec'`, `suppress=False`, `sign='-'`): one notation and one column width
/// chosen from all the shown elements, then applied to each.
///
/// - Positional notation prints each value's shortest round-trip digits, cut to 8 fractional
///   digits, and pads the integer part on the left and the fraction on the right
///   (`[ 1.5    -0.25    3.     ]`).
/// - Scientific notation, chosen when the largest magnitude reaches the type's cutoff or the
///   smallest nonzero one is below `1e-4` or they are more than `1e3` apart, gives every
///   value as many fraction digits as the longest needs (`[1.0e-05 1.5e+00]`).
struct FloatArrayFormat<F: NumpyFloat> {
    private static var maximumFractionDigits: Int { 8 }

    private var isScientific = false
    private var padLeft = 0
    private var padRight = 0
    private var scientificFractionDigits = 0
    private var exponentDigits = 2

    /// numpy's `fillFormat`: sizes the columns from the finite values.
    init(_ values: [F]) {
        let finite = values.filter(\.isFinite)
        let magnitudes = finite.filter { $0 != 0 }.map(\.magnitude)
        // The comparisons run in `F`, as numpy compares in the array's dtype.
        if let largest = magnitudes.max(), let smallest = magnitudes.min() {
            isScientific = largest >= F.arrayScientificCutoff || smallest < F(0.0001 as Double)
                || largest / smallest > 1000
        }
        if isScientific {
            let shown = finite.map(Self.scientificDigits)
            scientificFractionDigits = shown.map { Swift.max($0.digits.count - 1, 0) }.max() ?? 0
            exponentDigits = shown.map { Swift.max(String($0.exponent.magnitude).count, 2) }.max() ?? 2
            padLeft = shown.map(\.scientificIntegerPart.count).max() ?? 0
            padRight = exponentDigits + 2 + scientificFractionDigits
        } else {
            let shown = finite.map(Self.positionalDigits)
            padLeft = shown.map(\.positionalIntegerPart.count).max() ?? 0
            padRight = shown.map(\.positionalFractionPart.count).max() ?? 0
        }
        if finite.count != values.count {
            // Widen the integer column so that "nan", "inf" and "-inf" fit the same width.
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 } ? 1 : 0
            let fractionWidth = padRight + 1
            padLeft = Swift.max(padLeft, 3 - fractionWidth, 3 + negativeInfinity - fractionWidth)
        }
    }

    /// One element, padded to the column width.
    func text(_ value: F) -> String {
        let width = padLeft + padRight + 1
        if value.isNaN { return "nan".leftPadded(toWidth: width) }
        if value.isInfinite { return (value < 0 ? "-inf" : "inf").leftPadded(toWidth: width) }
        if isScientific {
            let digits = DecimalDigits(Double(value), significantDigits: scientificFractionDigits + 1)
            return digits.scientificIntegerPart.leftPadded(toWidth: padLeft) + "."
                + digits.scientificFractionPart(minimumCount: scientificFractionDigits)
                + digits.exponentSuffix(minimumDigits: exponentDigits)
        }
        let digits = Self.positionalDigits(value)
        return digits.positionalIntegerPart.leftPadded(toWidth: padLeft) + "."
            + digits.positionalFractionPart.rightPadded(toWidth: padRight)
    }

    /// The shortest digits, or the value rounded to 8 fractional digits when they are longer.
    private static func positionalDigits(_ value: F) -> DecimalDigits {
        let shortest = DecimalDigits(shortest: value)
        return shortest.fractionDigitCount <= maximumFractionDigits
            ? shortest : DecimalDigits(Double(value), fractionDigits: maximumFractionDigits)
    }

    /// The shortest digits, or the value rounded to 9 significant digits when they are longer.
    private static func scientificDigits(_ value: F) -> DecimalDigits {
        let shortest = DecimalDigits(shortest: value)
        return shortest.digits.count <= maximumFractionDigits + 1
            ? shortest : DecimalDigits(Double(value), significantDigits: maximumFractionDigits + 1)
    }
}
