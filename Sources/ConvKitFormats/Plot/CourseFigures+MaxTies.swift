import ConvKitCore

extension CourseFigures {
    /// The windows whose maximum ties: a 4 × 4 input, 2 × 2 max pooling with stride 2, one
    /// window with a three-way tie, one with two, one without and one all equal.
    static let tiedInput: [[Double]] = [[3, 3, 2, 5], [1, 3, 5, 1], [4, 0, 7, 7], [0, 1, 7, 7]]
    /// The output gradient routed back through those windows.
    static let tiedGradient: [[Double]] = [[0.9, 2], [3, 4]]

    /// Max pooling's gradient when the maximum ties, under each ``MaxTiePolicy``: the course's
    /// `mask = (x == np.max(x))` gives every tied maximum the whole gradient (`.all`), PyTorch,
    /// TensorFlow and ONNX give it to the first in scan order (`.first`), MLX divides it
    /// (`.splitEvenly`). Each `dA_prev` comes from ``pool2dBackward(_:cache:)`` with that policy.
    static func maxTies() throws -> MatrixFigure {
        let input = try Tensor<Double>(shape: [1, 4, 4, 1], scalars: Array(tiedInput.joined()))
        let gradient = try Tensor<Double>(shape: [1, 2, 2, 1], scalars: Array(tiedGradient.joined()))
        let maxima = tiedMaxima()
        let windows = (0..<4).map { MatrixFigure.Outline(row: $0 / 2 * 2, column: $0 % 2 * 2, rows: 2, columns: 2) }
        var panels: [MatrixFigure.Panel] = [
            .init(title: "x (windows 2 x 2, stride 2)", values: tiedInput,
                  outlines: maxima.map { MatrixFigure.Outline(row: $0.row, column: $0.column, color: .white) } + windows),
            .init(title: "dA", values: tiedGradient),
        ]
        let policies: [(MaxTiePolicy, String)] = [(.all, "course: x == max(x)"), (.first, "PyTorch, ONNX: .first"), (.splitEvenly, "MLX: .splitEvenly")]
        for (policy, name) in policies {
            let (_, cache) = try pool2dForward(input, options: Pool2DOptions(.max, window: 2, maxTies: policy))
            let dAPrev = try pool2dBackward(gradient, cache: cache)
            panels.append(.init(title: "dA_prev, \(name)", values: rows(try dAPrev.reshaped([4, 4])), outlines: windows))
        }
        var figure = MatrixFigure(
            title: "max pooling's gradient when the maximum ties",
            caption: "the course's mask gives every tied maximum all of dA; .first gives it to the first; .splitEvenly divides it",
            panels: panels)
        figure.sharedScale = false
        return figure
    }

    /// Every cell of `tiedInput` that equals its window's maximum.
    static func tiedMaxima() -> [(row: Int, column: Int)] {
        (0..<16).compactMap { index -> (row: Int, column: Int)? in
            let (row, column) = (index / 4, index % 4)
            let (top, left) = (row / 2 * 2, column / 2 * 2)
            let window = tiedInput[top..<(top + 2)].flatMap { $0[left..<(left + 2)] }
            return tiedInput[row][column] == window.max() ? (row, column) : nil
        }
    }
}
