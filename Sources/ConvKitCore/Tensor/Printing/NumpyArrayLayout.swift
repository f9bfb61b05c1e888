/// numpy's `_formatArray` under the default print options: nested brackets, one row of the
/// last axis per line wrapped at 75 columns, blank lines between blocks of higher axes, and
/// `...` where a summarised axis skips its middle.
struct NumpyArrayLayout {
    /// numpy's `linewidth`.
    static let lineWidth = 75
    /// numpy's `threshold`: larger arrays are summarised.
    static let summaryThreshold = 1000
    /// numpy's `edgeitems`: how many leading and trailing entries a summarised axis keeps.
    static let edgeItems = 3

    /// The formatted elements shown, in row-major order of `shape`.
    let texts: [String]
    /// The shape of the shown elements (a summarised axis counts `2 * edgeItems` entries).
    let shape: [Int]
    /// For each axis, whether `...` stands between its leading and trailing entries.
    let summarisedAxes: [Bool]

    /// The whole array, from its opening to its closing bracket.
    func render() -> String {
        render(axis: 0, offset: 0, hangingIndent: " ", width: Self.lineWidth)
    }

    /// The sub-array at `axis` whose first element is `texts[offset]`.
    private func render(axis: Int, offset: Int, hangingIndent: String, width: Int) -> String {
        if axis == shape.count { return texts[offset] }
        let blockSize = shape[(axis + 1)...].reduce(1, *)
        let summaryPosition = summarisedAxes[axis] ? Self.edgeItems : nil
        let nested = { (entry: Int) in
            render(
                axis: axis + 1, offset: offset + entry * blockSize,
                hangingIndent: hangingIndent + " ", width: width - 1)
        }
        var result = ""
        if axis == shape.count - 1 {
            // Leave room for the closing bracket.
            let elementWidth = width - 1
            var line = hangingIndent
            for entry in 0..<shape[axis] {
                if entry == summaryPosition {
                    extend(&result, &line, with: "...", width: elementWidth, indent: hangingIndent)
                    line += " "
                }
                extend(&result, &line, with: nested(entry), width: elementWidth, indent: hangingIndent)
                if entry < shape[axis] - 1 { line += " " }
            }
            result += line
        } else {
            let separator = String(repeating: "\n", count: shape.count - axis - 1)
            for entry in 0..<shape[axis] {
                if entry == summaryPosition { result += hangingIndent + "..." + separator }
                result += hangingIndent + nested(entry)
                if entry < shape[axis] - 1 { result += separator }
            }
        }
        return "[" + result.dropFirst(hangingIndent.count) + "]"
    }

    /// numpy's `_extendLine`: starts a new line when `word` would pass `width`, unless the
    /// line holds nothing but its indent (a new line would not help).
    private func extend(
        _ result: inout String, _ line: inout String, with word: String, width: Int, indent: String
    ) {
        if line.count + word.count > width && line.count > indent.count {
            result += line.trimmingTrailingSpaces() + "\n"
            line = indent
        }
        line += word
    }
}
