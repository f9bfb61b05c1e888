/// numpy's `BoolFormat`: `True` gets a leading space inside arrays so that it lines up with
/// `False`, but not as a lone scalar.
extension Bool: NumpyFormattable {
    var numpyScalarText: String { self ? "True" : "False" }

    static func numpyElementTexts(_ values: [Bool]) -> [String] {
        values.map { $0 ? " True" : "False" }
    }
}
