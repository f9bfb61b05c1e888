import ConvKitCore

extension CourseFigures {
    /// The loop-free derivation of `conv_backward`'s `dA_prev`, on the course's `conv_backward`
    /// example (`A_prev` (10, 4, 4, 3), `W` (2, 2, 3, 8), pad 2, stride 2, `dZ = Z`), image 0,
    /// input channel 0: `dZ[0, :, :, 0]` dilated by the stride, padded by
    /// `p = N − D + K − 1` split top and bottom (N the padded input's side, D the dilated
    /// gradient's, K the kernel's), correlated at stride 1 with `W[:, :, 0, 0]` rotated by 180°,
    /// gives output channel 0's share of `dA_prev_pad`; summed over the 8 output channels and
    /// cropped by the pad it is the loops' `dA_prev[0, :, :, 0]`, drawn last (the caption gives
    /// the largest difference).
    static func loopFreeBackward(seed: UInt32) throws -> MatrixFigure {
        var rng = NumPyRandomState(seed: seed)
        let aPrev = try rng.randn(10, 4, 4, 3)
        let W = try rng.randn(2, 2, 3, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (pad, stride) = (2, 2)
        let (Z, cache) = try convForward(aPrev, W, b, hparameters: ["pad": pad, "stride": stride])
        let (dA, _, _) = try convBackward(Z, cache: cache)
        let (kernel, paddedSide) = (2, 4 + 2 * pad)
        // p = N − D + K − 1, with D = (n_H − 1) · stride + 1 the dilated gradient's side.
        let total = paddedSide - ((Z.shape[1] - 1) * stride + 1) + kernel - 1
        let (top, bottom) = (total / 2, total - total / 2)
        // dA_prev_pad[0, :, :, 0] = Σ over output channels k of the steps for k.
        var sum = [[Double]](repeating: [Double](repeating: 0, count: paddedSide), count: paddedSide)
        var steps: [(dZ: [[Double]], dilated: [[Double]], padded: [[Double]], rotated: [[Double]], share: [[Double]])] = []
        for k in 0..<8 {
            let dZ = plane(Z, image: 0, channel: k)
            let dilated = try rows(dilate2D(Tensor(shape: [dZ.count, dZ[0].count], scalars: Array(dZ.joined())), rate: Size2D(stride, stride)))
            let padded = padding(dilated, before: top, after: bottom)
            let w = (0..<kernel).map { r in (0..<kernel).map { s in W.scalars[((r * kernel + s) * 3 + 0) * 8 + k] } }
            let rotated = try rows(rotate180(Tensor(shape: [kernel, kernel], scalars: Array(w.joined()))))
            let share = correlate(padded, rotated)
            for i in 0..<paddedSide { for j in 0..<paddedSide { sum[i][j] += share[i][j] } }
            steps.append((dZ, dilated, padded, rotated, share))
        }
        let cropped = sum[pad..<(pad + 4)].map { Array($0[pad..<(pad + 4)]) }
        let loops = plane(dA, image: 0, channel: 0)
        let difference = zip(cropped.joined(), loops.joined()).map { abs($0 - $1) }.max() ?? .infinity
        let first = steps[0]
        var figure = MatrixFigure(
            title: "loop-free conv_backward, image 0, input channel 0, output channel k = 0 (stride 2, pad 2)",
            caption: "sum over k = 0...7, cropped by pad 2: the loops' dA_prev[0, :, :, 0], largest difference \(difference)",
            panels: [
                .init(title: "dZ[0, :, :, 0]", values: first.dZ),
                .init(title: "dilated by 2", values: first.dilated),
                .init(title: "padded by (\(top), \(bottom))", values: first.padded),
                .init(title: "rot180(W[:, :, 0, 0])", values: first.rotated),
                .init(title: "correlation: k = 0's share", values: first.share,
                      outlines: [.init(row: pad, column: pad, rows: 4, columns: 4)]),
                .init(title: "dA_prev[0, :, :, 0] (loops)", values: loops),
            ])
        figure.sharedScale = false
        return figure
    }

    /// `x` with `before` zeros above and left of it and `after` below and right.
    static func padding(_ x: [[Double]], before: Int, after: Int) -> [[Double]] {
        let width = (x.first?.count ?? 0) + before + after
        let zeros = [Double](repeating: 0, count: width)
        let rows = x.map { [Double](repeating: 0, count: before) + $0 + [Double](repeating: 0, count: after) }
        return Array(repeating: zeros, count: before) + rows + Array(repeating: zeros, count: after)
    }

    /// The valid stride-1 correlation of `x` with `kernel` (numpy's sum of window times kernel, row by row).
    static func correlate(_ x: [[Double]], _ kernel: [[Double]]) -> [[Double]] {
        let (r, s) = (kernel.count, kernel[0].count)
        return (0...(x.count - r)).map { i in
            (0...(x[0].count - s)).map { j in
                var total = 0.0
                for u in 0..<r { for v in 0..<s { total += x[i + u][j + v] * kernel[u][v] } }
                return total
            }
        }
    }
}
