import ConvKitCore

extension CourseFigures {
    /// The course's `conv_backward` example (`A_prev` (10, 4, 4, 3), `W` (2, 2, 3, 8), pad 2,
    /// stride 2, `dZ = Z`) as its loops run over image 0 and output channel c = 0, one frame per
    /// (h, w): the window on `A_prev_pad`, the `dZ` cell, and the three `+=` lines so far (input
    /// channel 0 of `da_prev_pad` and `dW`, and `db`). The caption of the last frame compares
    /// the same loops over all ten images with `conv_backward`'s `dW[:, :, 0, 0]` and `db[0]`.
    static func convBackwardFrames(seed: UInt32) throws -> [MatrixFigure] {
        var rng = NumPyRandomState(seed: seed)
        let aPrev = try rng.randn(10, 4, 4, 3)
        let W = try rng.randn(2, 2, 3, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (pad, stride, f) = (2, 2, 2)
        let (Z, cache) = try convForward(aPrev, W, b, hparameters: ["pad": pad, "stride": stride])
        let (_, dW, db) = try convBackward(Z, cache: cache)
        let padded = try ConvKitCore.zeroPad(aPrev, pad: pad)
        let filter = (0..<f).map { r in (0..<f).map { s in W.scalars[((r * f + s) * 3) * 8] } }
        let side = padded.shape[1]
        // The loops for channel c = 0 and input channel 0, over image `image`, after (h, w) when given.
        func accumulate(image: Int, through last: (h: Int, w: Int)?) -> (da: [[Double]], dw: [[Double]], db: Double) {
            let input = plane(padded, image: image, channel: 0)
            let dZ = plane(Z, image: image, channel: 0)
            var da = [[Double]](repeating: [Double](repeating: 0, count: side), count: side)
            var dw = [[Double]](repeating: [Double](repeating: 0, count: f), count: f)
            var bias = 0.0
            for h in 0..<dZ.count {
                for w in 0..<dZ[0].count where last.map({ (h, w) <= $0 }) ?? true {
                    let g = dZ[h][w]
                    for r in 0..<f {
                        for s in 0..<f {
                            da[h * stride + r][w * stride + s] += filter[r][s] * g  // da_prev_pad[…] += W[:, :, :, c] * dZ[i, h, w, c]
                            dw[r][s] += input[h * stride + r][w * stride + s] * g   // dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                        }
                    }
                    bias += g                                                       // db[:, :, :, c] += dZ[i, h, w, c]
                }
            }
            return (da, dw, bias)
        }
        // Over all images, the loops give conv_backward's dW[:, :, 0, 0] and db[0].
        var allW = [[Double]](repeating: [Double](repeating: 0, count: f), count: f)
        var allB = 0.0
        for image in 0..<10 {
            let (_, dw, bias) = accumulate(image: image, through: nil)
            for r in 0..<f { for s in 0..<f { allW[r][s] += dw[r][s] } }
            allB += bias
        }
        let loopsW = (0..<f).flatMap { r in (0..<f).map { s in dW.scalars[((r * f + s) * 3) * 8] } }
        let difference = max(zip(allW.joined(), loopsW).map { abs($0 - $1) }.max() ?? 0, abs(allB - db.scalars[0]))
        let dZ = plane(Z, image: 0, channel: 0)
        let final = accumulate(image: 0, through: nil)
        var frames: [MatrixFigure] = []
        for h in 0..<dZ.count {
            for w in 0..<dZ[0].count {
                let (da, dw, bias) = accumulate(image: 0, through: (h, w))
                let window = MatrixFigure.Outline(row: h * stride, column: w * stride, rows: f, columns: f)
                let isLast = h == dZ.count - 1 && w == dZ[0].count - 1
                var frame = MatrixFigure(
                    title: "conv_backward, pad 2, stride 2: i = 0, h = \(h), w = \(w), c = 0 (input channel 0 shown)",
                    caption: isLast
                        ? "over all 10 images these loops give conv_backward's dW[:, :, 0, 0] and db[0], largest difference \(difference)"
                        : "dZ[0, \(h), \(w), 0] = \(MatrixFigure.label(dZ[h][w])) goes to da_prev_pad, dW and db",
                    panels: [
                        .init(title: "A_prev_pad[0, :, :, 0]", values: plane(padded, image: 0, channel: 0), outlines: [window]),
                        .init(title: "dZ[0, :, :, 0]", values: dZ, outlines: [.init(row: h, column: w)]),
                        .init(title: "da_prev_pad += W * dZ", values: da, outlines: [window], scale: valueRange(final.da)),
                        .init(title: "dW[:, :, 0, 0] += a_slice * dZ", values: dw, scale: valueRange(final.dw)),
                        .init(title: "db[0] += dZ", values: [[bias]], scale: min(0, final.db)...max(0, final.db)),
                    ])
                frame.sharedScale = false
                frames.append(frame)
            }
        }
        return frames
    }
}
