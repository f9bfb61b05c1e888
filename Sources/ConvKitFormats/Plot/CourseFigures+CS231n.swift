import ConvKitCore

extension CourseFigures {
    /// cs231n's `conv_forward_naive` check (NCHW: `x` (2, 3, 4, 4) and `w` (3, 3, 4, 4) from
    /// `np.linspace`, stride 2, pad 1): the window of `out[0, 0, 0, 1]` on channel 0 of the
    /// padded image 0, the filter's channel 0 `w[0, 0]`, their product, and `out[0, 0]`, which
    /// cs231n prints. The caption adds up the three channels' sums and `b[0]`.
    static func cs231n() throws -> MatrixFigure {
        let x = try Tensor<Double>(linspace: -0.1, 0.5, shape: [2, 3, 4, 4])
        let w = try Tensor<Double>(linspace: -0.2, 0.3, shape: [3, 3, 4, 4])
        let b = try Tensor<Double>(linspace: -0.1, 0.2, shape: [3])
        let (out, _) = try conv2dForward(x, weight: w, bias: b, options: Conv2DOptions(stride: 2, padding: 1, layout: .nchw))
        let (row, column) = (0, 2)  // out[0, 0, 0, 1] starts at (0, 1 · stride) of the padded input
        let window = { (c: Int) in CourseFigures.padding(rows(x, plane: c), before: 1, after: 1)[row..<(row + 4)].map { Array($0[column..<(column + 4)]) } }
        let product = { (c: Int) in zip(window(c), rows(w, plane: c)).map { zip($0, $1).map(*) } }
        let sums = (0..<3).map { product($0).joined().reduce(0, +) }
        let terms = (sums + [b.scalars[0]]).map { $0 < 0 ? "(\(MatrixFigure.label($0)))" : MatrixFigure.label($0) }
        let outputs = rows(out)
        var figure = MatrixFigure(
            title: "cs231n conv_forward_naive (NCHW), stride 2, pad 1: out[0, 0, 0, 1]",
            caption: "out[0, 0, 0, 1] = " + terms.joined(separator: " + ") + " (channels 0-2, then b[0]) = \(MatrixFigure.label(outputs[0][1]))",
            panels: [
                .init(title: "x_pad[0, 0]", values: CourseFigures.padding(rows(x), before: 1, after: 1),
                      outlines: [.init(row: row, column: column, rows: 4, columns: 4)]),
                .init(title: "w[0, 0]", values: rows(w)),
                .init(title: "window * w[0, 0]", values: product(0)),
                .init(title: "out[0, 0]", values: outputs, outlines: [.init(row: 0, column: 1)]),
            ])
        figure.sharedScale = false
        return figure
    }
}
