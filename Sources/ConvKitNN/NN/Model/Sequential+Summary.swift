import ConvKitCore
extension Sequential {
    /// A Keras-style table of the layers, their output shapes (`None` is the batch axis) and
    /// parameter counts, with the totals:
    ///
    /// ```text
    /// Input shape: (None, 8, 8, 1)
    /// Layer (type)                 Output Shape        Param #
    /// ========================================================
    /// conv 16 3x3 same (Conv2D)    (None, 8, 8, 16)        160
    /// …
    /// ========================================================
    /// Total params: 6,090
    /// Trainable params: 6,090
    /// Non-trainable params: 0
    /// ```
    public func summary() -> String {
        let header = ("Layer (type)", "Output Shape", "Param #")
        let rows = layers.map { layer in
            ("\(layer.spec) (\(layer.spec.typeName))", shapeText(layer.outputShape),
             groupedThousands(layer.parameterCount + layer.nonTrainableParameterCount))
        }
        let nameWidth = rows.map(\.0.count).reduce(header.0.count, max) + 4
        let shapeWidth = rows.map(\.1.count).reduce(header.1.count, max) + 4
        let countWidth = rows.map(\.2.count).reduce(header.2.count, max)
        let width = nameWidth + shapeWidth + countWidth
        func line(_ row: (String, String, String)) -> String {
            padRight(row.0, nameWidth) + padRight(row.1, shapeWidth) + padLeft(row.2, countWidth)
        }
        var lines = ["Input shape: \(shapeText(inputShape))", line(header), String(repeating: "=", count: width)]
        lines += rows.map(line)
        lines.append(String(repeating: "=", count: width))
        let trainable = parameterCount
        let frozen = nonTrainableParameterCount
        lines.append("Total params: \(groupedThousands(trainable + frozen))")
        lines.append("Trainable params: \(groupedThousands(trainable))")
        lines.append("Non-trainable params: \(groupedThousands(frozen))")
        return lines.joined(separator: "\n")
    }
}

/// `(None, 8, 8, 16)`: a per-sample shape with the batch axis in front.
private func shapeText(_ shape: [Int]) -> String {
    "(" + (["None"] + shape.map(String.init)).joined(separator: ", ") + ")"
}

/// `6,090`.
func groupedThousands(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(digits[start..<end], at: 0)
        end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ",")
}

private func padRight(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
