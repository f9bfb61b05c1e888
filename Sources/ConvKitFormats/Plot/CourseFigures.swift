import ConvKitCore
import Foundation

/// A step of the course that `convkit explain` draws.
public enum CourseStep: String, CaseIterable, Sendable {
    /// `zero_pad`: an input channel beside its padded copy.
    case zeroPad = "zero-pad"
    /// `conv_single_step`: a slice, the filter, their product and its sum plus the bias.
    case convSingleStep = "conv-single-step"
    /// `conv_forward`: the window of one output cell on the padded input, the filter, their
    /// product and the output filling in.
    case convForward = "conv-forward"
    /// `conv_backward`: the three `+=` lines of its loops, cell by cell.
    case convBackward = "conv-backward"
    /// `pool_forward`: the window of one output cell, its maximum and its mean.
    case poolForward = "pool-forward"
    /// `pool_backward`: each window's gradient routed to its maxima, or spread over it.
    case poolBackward = "pool-backward"
    /// `create_mask_from_window`: `x == max(x)`, every tied maximum marked.
    case mask
    /// `distribute_value`: an average-pooling gradient spread over its window.
    case distributeValue = "distribute-value"
    /// The loop-free `conv_backward`: the gradient dilated, padded and correlated with the
    /// rotated kernel.
    case loopFreeBackward = "loop-free-backward"
    /// cs231n's `conv_forward_naive` (NCHW): one output cell's window, filter and sum.
    case cs231n
}

/// The course's computations as figures, from exactly the course's inputs (the draws of
/// `convkit demo`, so every number drawn is one the course prints).
public enum CourseFigures {
    /// The seed of every example of the course (`np.random.seed(1)`).
    public static let courseSeed: UInt32 = 1

    /// The figures of `step`, each with a file name (without extension). With a `seed` other
    /// than the course's the random inputs are other draws of the same shapes; the fixed
    /// examples (`distribute_value`, cs231n's `linspace` inputs, the tied windows) stay.
    ///
    /// - Throws: ``ConvKitError`` if a course function rejects its input (it does not).
    public static func figures(for step: CourseStep, seed: UInt32 = courseSeed) throws -> [(name: String, figure: MatrixFigure)] {
        switch step {
        case .zeroPad: return [("zero-pad", try zeroPad(seed: seed))]
        case .convSingleStep: return [("conv-single-step", try convSingleStep(seed: seed))]
        case .convForward:
            return [("conv-forward", try convForwardFrame(upTo: nil, seed: seed)), ("conv-forward-windows", try convForwardWindows(seed: seed))]
        case .convBackward: return [("conv-backward", try convBackwardFrames(seed: seed).last ?? MatrixFigure())]
        case .poolForward: return try poolForward(seed: seed)
        case .poolBackward: return [("pool-backward", try poolBackwardFrames(seed: seed).last ?? MatrixFigure())]
        case .mask: return [("mask", try mask(seed: seed)), ("mask-ties", try maxTies())]
        case .distributeValue: return [("distribute-value", try distributeValue())]
        case .loopFreeBackward: return [("loop-free-backward", try loopFreeBackward(seed: seed))]
        case .cs231n: return [("cs231n", try cs231n())]
        }
    }

    /// `np.random.seed(1); x = np.random.randn(4, 3, 3, 2); x_pad = zero_pad(x, 3)`: `x[1, :, :, 0]`
    /// beside `x_pad[1, :, :, 0]`, the original outlined inside the padding.
    static func zeroPad(seed: UInt32) throws -> MatrixFigure {
        var rng = NumPyRandomState(seed: seed)
        let x = try rng.randn(4, 3, 3, 2)
        let xPad = try ConvKitCore.zeroPad(x, pad: 3)
        return MatrixFigure(
            title: "zero_pad(x, 3): 3 zeros on every side",
            panels: [
                .init(title: "x[1, :, :, 0]", values: plane(x, image: 1, channel: 0)),
                .init(title: "x_pad[1, :, :, 0]", values: plane(xPad, image: 1, channel: 0),
                      outlines: [.init(row: 3, column: 3, rows: 3, columns: 3)]),
            ])
    }

    /// `conv_single_step` on the course's slice: channel 0 of the slice, the filter and their
    /// product, then each channel's sum; the caption is `Z` as the course prints it.
    static func convSingleStep(seed: UInt32) throws -> MatrixFigure {
        var rng = NumPyRandomState(seed: seed)
        let slice = try rng.randn(4, 4, 3)
        let W = try rng.randn(4, 4, 3)
        let b = try rng.randn(1, 1, 1)
        let z = try ConvKitCore.convSingleStep(slice, W, b)
        let product = try slice * W
        let channelSums = (0..<3).map { c in plane(product, image: nil, channel: c).joined().reduce(0, +) }
        let terms = (channelSums + [b.scalars[0]]).map { $0 < 0 ? "(\(MatrixFigure.label($0)))" : MatrixFigure.label($0) }
        var figure = MatrixFigure(
            title: "conv_single_step, channel 0 of 3: Z = sum(a_slice_prev * W) + b",
            caption: "Z = " + terms.joined(separator: " + ") + " (channel sums, then b) = \(z)",
            panels: [
                .init(title: "a_slice_prev[:, :, 0]", values: plane(slice, image: nil, channel: 0)),
                .init(title: "W[:, :, 0]", values: plane(W, image: nil, channel: 0)),
                .init(title: "(a_slice_prev * W)[:, :, 0]", values: plane(product, image: nil, channel: 0)),
            ])
        figure.sharedScale = false
        return figure
    }

    /// `pool_forward` (f = 3, stride = 1 and 2) on the course's `A_prev`: channel 0 of image 1 with
    /// the window of output (1, 1) outlined and its maximum marked, beside the max and the
    /// average outputs with that cell outlined.
    static func poolForward(seed: UInt32) throws -> [(name: String, figure: MatrixFigure)] {
        var rng = NumPyRandomState(seed: seed)
        let aPrev = try rng.randn(2, 5, 5, 3)
        let input = plane(aPrev, image: 1, channel: 0)
        return try [1, 2].map { stride in
            let hparameters = ["stride": stride, "f": 3]
            let maxA = plane(try ConvKitCore.poolForward(aPrev, hparameters: hparameters, mode: .max).A, image: 1, channel: 0)
            let averageA = plane(try ConvKitCore.poolForward(aPrev, hparameters: hparameters, mode: .average).A, image: 1, channel: 0)
            let (row, column) = (stride, stride)  // output (1, 1) starts at stride · 1
            let window = input[row..<(row + 3)].map { Array($0[column..<(column + 3)]) }
            let top = window.joined().max() ?? 0
            let maxima = window.enumerated().flatMap { r, values in
                values.enumerated().filter { $0.element == top }.map { MatrixFigure.Outline(row: row + r, column: column + $0.offset, color: .white) }
            }
            let figure = MatrixFigure(
                title: "pool_forward, f = 3, stride = \(stride): output (1, 1) of channel 0",
                caption: "max = \(MatrixFigure.label(maxA[1][1])), mean = \(MatrixFigure.label(averageA[1][1]))",
                panels: [
                    .init(title: "A_prev[1, :, :, 0]", values: input,
                          outlines: [.init(row: row, column: column, rows: 3, columns: 3)] + maxima),
                    .init(title: "A[1, :, :, 0], mode = max", values: maxA, outlines: [.init(row: 1, column: 1)]),
                    .init(title: "A[1, :, :, 0], mode = average", values: averageA, outlines: [.init(row: 1, column: 1)]),
                ])
            return ("pool-forward-stride\(stride)", figure)
        }
    }

    /// The frames of `step`'s animation, one per output cell in the order the course's loops
    /// compute them, each with a file name; empty for steps without one.
    public static func animations(for step: CourseStep, seed: UInt32 = courseSeed) throws -> [(name: String, frames: [MatrixFigure])] {
        switch step {
        case .convForward: return [("conv-forward-sliding", try convForwardFrames(seed: seed))]
        case .poolBackward: return [("pool-backward-sliding", try poolBackwardFrames(seed: seed))]
        case .convBackward: return [("conv-backward-sliding", try convBackwardFrames(seed: seed))]
        case .poolForward: return try [1, 2].map { stride in ("pool-forward-stride\(stride)-sliding", try poolForwardFrames(stride: stride, seed: seed)) }
        default: return []
        }
    }

    /// `pool_forward` (f = 3) on channel 0 of image 1, one frame per output cell (h, w): its
    /// window outlined with its maximum marked, the outputs filled in up to it.
    static func poolForwardFrames(stride: Int, seed: UInt32) throws -> [MatrixFigure] {
        var rng = NumPyRandomState(seed: seed)
        let aPrev = try rng.randn(2, 5, 5, 3)
        let input = plane(aPrev, image: 1, channel: 0)
        let hparameters = ["stride": stride, "f": 3]
        let maxA = plane(try ConvKitCore.poolForward(aPrev, hparameters: hparameters, mode: .max).A, image: 1, channel: 0)
        let averageA = plane(try ConvKitCore.poolForward(aPrev, hparameters: hparameters, mode: .average).A, image: 1, channel: 0)
        var frames: [MatrixFigure] = []
        for h in 0..<maxA.count {
            for w in 0..<maxA[0].count {
                let (row, column) = (h * stride, w * stride)
                let window = input[row..<(row + 3)].map { Array($0[column..<(column + 3)]) }
                let top = window.joined().max() ?? 0
                let maxima = window.enumerated().flatMap { r, values in
                    values.enumerated().filter { $0.element == top }.map { MatrixFigure.Outline(row: row + r, column: column + $0.offset, color: .white) }
                }
                // Cells after (h, w) in the loops' order are not computed yet.
                let upTo = { (values: [[Double]]) in
                    values.enumerated().map { i, cells in cells.enumerated().map { j, v in (i, j) <= (h, w) ? v : .nan } }
                }
                frames.append(MatrixFigure(
                    title: "pool_forward, f = 3, stride = \(stride): h = \(h), w = \(w), c = 0",
                    caption: "vert_start = \(row), horiz_start = \(column): max = \(MatrixFigure.label(maxA[h][w])), mean = \(MatrixFigure.label(averageA[h][w]))",
                    panels: [
                        .init(title: "A_prev[1, :, :, 0]", values: input,
                              outlines: [.init(row: row, column: column, rows: 3, columns: 3)] + maxima),
                        .init(title: "A[1, :, :, 0], mode = max", values: upTo(maxA), outlines: [.init(row: h, column: w)], scale: valueRange(maxA)),
                        .init(title: "A[1, :, :, 0], mode = average", values: upTo(averageA), outlines: [.init(row: h, column: w)], scale: valueRange(averageA)),
                    ]))
            }
        }
        for index in frames.indices { frames[index].sharedScale = false }
        return frames
    }

    /// `create_mask_from_window` on the course's two windows, each beside its mask (1 at every
    /// maximum, ties included, as `x == np.max(x)` gives).
    static func mask(seed: UInt32) throws -> MatrixFigure {
        var rng = NumPyRandomState(seed: seed)
        let x = try rng.randn(2, 3)
        let y = try Tensor<Double>(shape: [3, 3], scalars: [-1, 2, 3, 2, -3, 2, 1, 5, -2])
        var panels: [MatrixFigure.Panel] = []
        for (name, window) in [("x", x), ("[[-1 2 3] [2 -3 2] [1 5 -2]]", y)] {
            let mask = try createMaskFromWindow(window)
            let columns = window.shape[1]
            let marked = mask.scalars.enumerated().filter(\.element).map { MatrixFigure.Outline(row: $0.offset / columns, column: $0.offset % columns) }
            panels.append(.init(title: name, matrix: window, outlines: marked))
            panels.append(.init(title: "mask", matrix: Tensor(uncheckedShape: mask.shape, scalars: mask.scalars.map { $0 ? 1 : 0 }), outlines: marked))
        }
        var figure = MatrixFigure(title: "create_mask_from_window: mask = (x == max(x))", panels: panels)
        figure.sharedScale = false
        return figure
    }

    /// `distribute_value(2, (2, 2))` and `distribute_value(25, (3, 3))`: dz / (n_H · n_W) in every cell.
    static func distributeValue() throws -> MatrixFigure {
        let small = try ConvKitCore.distributeValue(2.0, shape: (2, 2))
        let large = try ConvKitCore.distributeValue(25.0, shape: (3, 3))
        var figure = MatrixFigure(
            title: "distribute_value: dz / (n_H * n_W) to every cell of the window",
            panels: [.init(title: "dz = 2, shape (2, 2)", matrix: small), .init(title: "dz = 25, shape (3, 3)", matrix: large)])
        figure.sharedScale = false
        return figure
    }

    /// The lowest to the highest value: one colour scale for every frame of an animation.
    static func valueRange(_ values: [[Double]]) -> ClosedRange<Double> {
        (values.joined().min() ?? 0)...(values.joined().max() ?? 0)
    }

    /// Plane `index` of a tensor `(…, H, W)` (NCHW, or a matrix), row by row.
    static func rows(_ t: Tensor<Double>, plane index: Int = 0) -> [[Double]] {
        let (h, w) = (t.shape[t.rank - 2], t.shape[t.rank - 1])
        return (0..<h).map { row in Array(t.scalars[((index * h + row) * w)..<((index * h + row + 1) * w)]) }
    }

    /// Channel `channel` of image `image` of an NHWC tensor (or of an `(H, W, C)` one when `image` is nil), row by row.
    static func plane(_ t: Tensor<Double>, image: Int?, channel: Int) -> [[Double]] {
        MatrixFigure.plane(t, image: image ?? 0, channel: channel)
    }
}
