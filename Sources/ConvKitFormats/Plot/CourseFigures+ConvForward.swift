import ConvKitCore

extension CourseFigures {
    /// ``convForwardFrame(upTo:example:)`` of the example drawn with `seed`.
    static func convForwardFrame(upTo: (h: Int, w: Int)?, seed: UInt32) throws -> MatrixFigure {
        convForwardFrame(upTo: upTo, example: try ConvForwardExample(seed: seed))
    }

    /// The course's `conv_forward` example (`A_prev` (2, 5, 7, 4), `W` (3, 3, 4, 8), pad 1,
    /// stride 2), drawn and computed once for all its figures.
    struct ConvForwardExample {
        static let (pad, stride, f) = (1, 2, 3)
        let aPrev: Tensor<Double>
        let W: Tensor<Double>
        let b: Tensor<Double>
        let padded: Tensor<Double>
        /// `Z[0, :, :, 0]`, row by row.
        let z: [[Double]]

        init(seed: UInt32) throws {
            var rng = NumPyRandomState(seed: seed)
            aPrev = try rng.randn(2, 5, 7, 4)
            W = try rng.randn(3, 3, 4, 8)
            b = try rng.randn(1, 1, 1, 8)
            let (Z, _) = try convForward(aPrev, W, b, hparameters: ["pad": Self.pad, "stride": Self.stride])
            padded = try ConvKitCore.zeroPad(aPrev, pad: Self.pad)
            z = CourseFigures.plane(Z, image: 0, channel: 0)
        }
    }

    /// The course's `conv_forward` example, image 0, output channel 0: the padded input's
    /// channel 0 with the window of output (h, w) outlined, the filter's slice `W[:, :, 0, 0]`,
    /// their product, and `Z[0, :, :, 0]` filled in up to (h, w) (all of it when `upTo` is nil, with (2, 1) outlined, the cell the
    /// course prints). The caption adds up the four input channels' sums and the bias.
    static func convForwardFrame(upTo: (h: Int, w: Int)?, example: ConvForwardExample) -> MatrixFigure {
        let (W, b, padded, z) = (example.W, example.b, example.padded, example.z)
        let (stride, f) = (ConvForwardExample.stride, ConvForwardExample.f)
        let (h, w) = upTo ?? (2, 1)
        let (row, column) = (h * stride, w * stride)
        let filter = { (c: Int) in (0..<f).map { r in (0..<f).map { s in W.scalars[((r * f + s) * 4 + c) * 8] } } }
        let window = { (c: Int) in plane(padded, image: 0, channel: c)[row..<(row + f)].map { Array($0[column..<(column + f)]) } }
        let product = { (c: Int) in zip(window(c), filter(c)).map { zip($0, $1).map(*) } }
        let sums = (0..<4).map { product($0).joined().reduce(0, +) }
        let terms = (sums + [b.scalars[0]]).map { $0 < 0 ? "(\(MatrixFigure.label($0)))" : MatrixFigure.label($0) }
        let shown = upTo.map { (h, w) in
            z.enumerated().map { i, cells in cells.enumerated().map { j, v in (i, j) <= (h, w) ? v : .nan } }
        } ?? z
        var figure = MatrixFigure(
            title: "conv_forward, pad 1, stride 2: h = \(h), w = \(w), c = 0 (image 0)",
            caption: "Z[0, \(h), \(w), 0] = " + terms.joined(separator: " + ") + " (channels 0-3, then b) = \(MatrixFigure.label(z[h][w]))",
            panels: [
                .init(title: "A_prev_pad[0, :, :, 0]", values: plane(padded, image: 0, channel: 0),
                      outlines: [.init(row: row, column: column, rows: f, columns: f)]),
                .init(title: "W[:, :, 0, 0]", values: filter(0)),
                .init(title: "a_slice_prev[:, :, 0] * W[:, :, 0, 0]", values: product(0)),
                .init(title: "Z[0, :, :, 0]", values: shown, outlines: [.init(row: h, column: w)], scale: valueRange(z)),
            ])
        figure.sharedScale = false
        return figure
    }

    /// One frame per output cell of `Z[0, :, :, 0]`, in the loops' order.
    static func convForwardFrames(seed: UInt32) throws -> [MatrixFigure] {
        let example = try ConvForwardExample(seed: seed)
        var frames: [MatrixFigure] = []
        for h in 0..<3 {
            for w in 0..<4 { frames.append(convForwardFrame(upTo: (h, w), example: example)) }
        }
        return frames
    }

    /// The contact sheet of `conv_forward`'s windows: the padded input's channel 0 once per
    /// output cell (h, w), in the loops' order, with that cell's window outlined, so the stride
    /// (2) and the padding (1, the unpadded input outlined in white) show; each title gives the
    /// output cell's value for output channel 0.
    static func convForwardWindows(seed: UInt32) throws -> MatrixFigure {
        let example = try ConvForwardExample(seed: seed)
        let (pad, stride, f) = (ConvForwardExample.pad, ConvForwardExample.stride, ConvForwardExample.f)
        let (aPrev, z) = (example.aPrev, example.z)
        let padded = plane(example.padded, image: 0, channel: 0)
        let original = MatrixFigure.Outline(row: pad, column: pad, rows: aPrev.shape[1], columns: aPrev.shape[2], color: .white)
        var panels: [MatrixFigure.Panel] = []
        for h in z.indices {
            for w in z[h].indices {
                let window = MatrixFigure.Outline(row: h * stride, column: w * stride, rows: f, columns: f)
                panels.append(.init(title: "h = \(h), w = \(w): Z = \(MatrixFigure.label(z[h][w]))", values: padded, outlines: [original, window]))
            }
        }
        var figure = MatrixFigure(title: "conv_forward, pad 1, stride 2: every window on A_prev_pad[0, :, :, 0]", panels: panels)
        figure.panelsPerRow = z.first?.count
        return figure
    }
}
