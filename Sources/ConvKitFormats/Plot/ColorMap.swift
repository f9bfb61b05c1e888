/// A colour map: values in `[low, high]` to colours, as matplotlib's `imshow` colours an array.
public struct ColorMap: Sendable {
    /// The map's name, e.g. `"viridis"`.
    public let name: String
    /// The colours from the lowest value to the highest, evenly spaced.
    public let colors: [ChartColor]

    init(name: String, entries: [(UInt8, UInt8, UInt8)]) {
        self.name = name
        colors = entries.map { ChartColor(red: $0.0, green: $0.1, blue: $0.2) }
    }

    /// The colour of `value` on a scale from `low` to `high`: matplotlib's choice of entry
    /// (`Normalize`, then `int(t · N)` clipped to the last entry). A range of one value maps to
    /// the middle of the scale; NaN to the lowest colour.
    public func color(_ value: Double, low: Double, high: Double) -> ChartColor {
        guard !colors.isEmpty else { return .black }
        let t = high > low ? (value - low) / (high - low) : 0.5
        guard t.isFinite else { return value.isNaN ? colors[0] : (t > 0 ? colors[colors.count - 1] : colors[0]) }
        let index = Int((min(max(t, 0), 1) * Double(colors.count)).rounded(.down))
        return colors[min(index, colors.count - 1)]
    }
}
