/// numpy's `IntegerFormat`: every element right-aligned to the widest one.
extension NumpyFormattable where Self: FixedWidthInteger {
    var numpyScalarText: String { String(self) }

    static func numpyElementTexts(_ values: [Self]) -> [String] {
        let texts = values.map { String($0) }
        let width = texts.map(\.count).max() ?? 0
        return texts.map { $0.leftPadded(toWidth: width) }
    }
}

extension Int: NumpyFormattable {}
extension Int8: NumpyFormattable {}
extension Int16: NumpyFormattable {}
extension Int32: NumpyFormattable {}
extension Int64: NumpyFormattable {}
extension UInt: NumpyFormattable {}
extension UInt8: NumpyFormattable {}
extension UInt16: NumpyFormattable {}
extension UInt32: NumpyFormattable {}
extension UInt64: NumpyFormattable {}
