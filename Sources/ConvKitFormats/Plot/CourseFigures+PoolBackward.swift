import ConvKitCore

extension CourseFigures {
    /// The course's `pool_backward` example (`A_prev` (5, 5, 3, 2), f = 2, stride 1, `dA`
    /// (5, 4, 2, 2)), image 1, channel 0, as its loops run: after output cell (h, w) of `dA`,
    /// the window outlined on `A_prev` with its maxima marked (the course's mask gives every tied
    /// maximum the gradient), and both gradients so far: `dA_prev += mask · dA[h, w]` (max) and
    /// `dA_prev += dA[h, w] / (f · f)` over the window (average). The last frame is the whole
    /// `dA_prev`, which the course prints for row 1.
    static func poolBackwardFrames(seed: UInt32) throws -> [MatrixFigure] {
        var rng = NumPyRandomState(seed: seed)
        let aPrev = try rng.randn(5, 5, 3, 2)
        let (_, cache) = try ConvKitCore.poolForward(aPrev, hparameters: ["stride": 1, "f": 2])
        let dA = try rng.randn(5, 4, 2, 2)
        let f = 2
        let input = plane(aPrev, image: 1, channel: 0)
        let gradient = plane(dA, image: 1, channel: 0)
        var maxGradient = input.map { $0.map { _ in 0.0 } }
        var averageGradient = maxGradient
        // The final gradients fix the colour scales of every frame.
        let finalMax = plane(try ConvKitCore.poolBackward(dA, cache: cache, mode: .max), image: 1, channel: 0)
        let finalAverage = plane(try ConvKitCore.poolBackward(dA, cache: cache, mode: .average), image: 1, channel: 0)
        var frames: [MatrixFigure] = []
        for h in 0..<gradient.count {
            for w in 0..<gradient[0].count {
                let window = input[h..<(h + f)].map { Array($0[w..<(w + f)]) }
                let mask = try createMaskFromWindow(Tensor(shape: [f, f], scalars: Array(window.joined())))
                for (index, isMax) in mask.scalars.enumerated() {
                    let (r, s) = (h + index / f, w + index % f)
                    if isMax { maxGradient[r][s] += gradient[h][w] }
                    averageGradient[r][s] += try ConvKitCore.distributeValue(gradient[h][w], shape: (f, f)).scalars[index]
                }
                let maxima = mask.scalars.enumerated().filter(\.element).map {
                    MatrixFigure.Outline(row: h + $0.offset / f, column: w + $0.offset % f, color: .white)
                }
                let windowOutline = MatrixFigure.Outline(row: h, column: w, rows: f, columns: f)
                var frame = MatrixFigure(
                    title: "pool_backward, f = 2, stride 1: h = \(h), w = \(w), c = 0 (image 1)",
                    caption: "dA[1, \(h), \(w), 0] = \(MatrixFigure.label(gradient[h][w])): all of it to each maximum, a quarter to every cell for average",
                    panels: [
                        .init(title: "A_prev[1, :, :, 0]", values: input, outlines: [windowOutline] + maxima),
                        .init(title: "dA[1, :, :, 0]", values: gradient, outlines: [.init(row: h, column: w)]),
                        .init(title: "dA_prev[1, :, :, 0], max", values: maxGradient, outlines: [windowOutline], scale: valueRange(finalMax)),
                        .init(title: "dA_prev[1, :, :, 0], average", values: averageGradient, outlines: [windowOutline], scale: valueRange(finalAverage)),
                    ])
                frame.sharedScale = false
                frames.append(frame)
            }
        }
        return frames
    }
}
