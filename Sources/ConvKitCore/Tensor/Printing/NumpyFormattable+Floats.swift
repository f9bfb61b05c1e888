/// The floating-point types that print like numpy's float32 and float64, with the cutoffs
/// numpy hard-codes for each.
protocol NumpyFloat: NumpyFormattable, BinaryFloatingPoint, LosslessStringConvertible, Sendable {
    /// The magnitude from which an array switches to scientific notation
    /// (`10^min(8, finfo(dtype).precision)` in numpy's `FloatingFormat`).
    static var arrayScientificCutoff: Self { get }
    /// The magnitude from which a lone scalar prints in scientific notation (the
    /// `max_positional` of numpy's scalar `str`).
    static var scalarScientificCutoff: Double { get }
}

extension Float: NumpyFloat {
    static var arrayScientificCutoff: Float { 1e6 }
    static var scalarScientificCutoff: Double { 1e6 }
}

extension Double: NumpyFloat {
    static var arrayScientificCutoff: Double { 1e8 }
    static var scalarScientificCutoff: Double { 1e16 }
}

/// Elements print through ``FloatArrayFormat``; a lone scalar prints like numpy's
/// `str(np.float64(x))`: positional from `1e-4` up to the type's cutoff, else scientific, with
/// the shortest digits.
extension NumpyFloat {
    var numpyScalarText: String {
        if isNaN { return "nan" }
        if isInfinite { return self < 0 ? "-inf" : "inf" }
        let digits = DecimalDigits(shortest: self)
        let magnitude = Double(self).magnitude
        if magnitude == 0 || (magnitude >= 1e-4 && magnitude < Self.scalarScientificCutoff) {
            let fraction = digits.positionalFractionPart
            return digits.positionalIntegerPart + "." + (fraction.isEmpty ? "0" : fraction)
        }
        let fraction = digits.scientificFractionPart()
        return digits.scientificIntegerPart + (fraction.isEmpty ? "" : "." + fraction)
            + digits.exponentSuffix()
    }

    static func numpyElementTexts(_ values: [Self]) -> [String] {
        let format = FloatArrayFormat(values)
        return values.map(format.text)
    }
}
