extension Pool2DGeometry {
    /// Checks a pooling layer's input and options and resolves its sizes.
    init(inputShape: [Int], options: Pool2DOptions, function: String) throws {
        let layout = options.layout
        guard inputShape.count == 4 else {
            throw ConvKitError(
                function,
                "input must have rank 4 (\(layout.activationAxes)), got shape \(shapeString(inputShape))")
        }
        let (n, c, h, w) = layout.activationSizes(inputShape)
        let input = "(input \(shapeString(inputShape)))"
        guard c >= 1, h >= 1, w >= 1 else {
            throw ConvKitError(function, "input has an empty channel or spatial axis \(input)")
        }
        let window = options.window ?? Size2D(height: h, width: w)
        let stride = options.stride ?? window
        try window.validatePositive("window", function: function)
        try stride.validatePositive("stride", function: function)
        try options.dilation.validatePositive("dilation", function: function)
        if let divisor = options.divisorOverride, divisor < 1 {
            throw ConvKitError(function, "divisorOverride must be at least 1, got \(divisor)")
        }
        if options.mode == .max && options.divisorOverride != nil {
            throw ConvKitError(function, "divisorOverride applies to average pooling only")
        }
        if options.mode == .average && options.returnIndices {
            throw ConvKitError(function, "returnIndices applies to max pooling only")
        }

        let effective = Size2D(
            height: options.dilation.height * (window.height - 1) + 1,
            width: options.dilation.width * (window.width - 1) + 1)
        let pad = try options.padding.resolved(
            inputSize: Size2D(height: h, width: w), effectiveWindow: effective, stride: stride,
            function: function)
        let outputHeight = try Pool2DGeometry.outputSize(
            input: h, before: pad.top, after: pad.bottom, effectiveWindow: effective.height,
            stride: stride.height, ceilMode: options.ceilMode, axis: "height", function: function,
            context: input)
        let outputWidth = try Pool2DGeometry.outputSize(
            input: w, before: pad.left, after: pad.right, effectiveWindow: effective.width,
            stride: stride.width, ceilMode: options.ceilMode, axis: "width", function: function,
            context: input)
        self.init(
            batch: n, channels: c, inputHeight: h, inputWidth: w,
            windowHeight: window.height, windowWidth: window.width,
            outputHeight: outputHeight, outputWidth: outputWidth, padding: pad, stride: stride,
            dilation: options.dilation)
        try checkEveryWindowTouchesInput(function: function, context: input)
    }

    /// The number of windows along one axis, with PyTorch's ceil-mode rule: the last window
    /// must start inside the input or its leading padding.
    static func outputSize(
        input: Int, before: Int, after: Int, effectiveWindow: Int, stride: Int, ceilMode: Bool,
        axis: String, function: String, context: String
    ) throws -> Int {
        let span = input + before + after - effectiveWindow
        guard span >= 0 else {
            throw ConvKitError(
                function,
                "window \(effectiveWindow) (dilation included) is larger than the padded \(axis) "
                    + "\(input + before + after): the output would be empty \(context)")
        }
        var count = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (count - 1) * stride >= input + before { count -= 1 }
        return count
    }

    /// Rejects padding so large (or dilation so sparse) that a window would hold padding only.
    private func checkEveryWindowTouchesInput(function: String, context: String) throws {
        for p in 0..<outputHeight where inputRows(window: p).isEmpty {
            throw ConvKitError(
                function,
                "window \(p) along the height holds only padding (padding \(padding), window "
                    + "\(windowHeight)×\(windowWidth), dilation \(dilation)) \(context)")
        }
        for q in 0..<outputWidth where inputColumns(window: q).isEmpty {
            throw ConvKitError(
                function,
                "window \(q) along the width holds only padding (padding \(padding), window "
                    + "\(windowHeight)×\(windowWidth), dilation \(dilation)) \(context)")
        }
    }

    /// The input rows window row `p` reads, in scan order (padding skipped).
    func inputRows(window p: Int) -> [Int] {
        let start = p * stride.height - padding.top
        return (0..<windowHeight).map { start + $0 * dilation.height }.filter { $0 >= 0 && $0 < inputHeight }
    }

    /// The input columns window column `q` reads, in scan order (padding skipped).
    func inputColumns(window q: Int) -> [Int] {
        let start = q * stride.width - padding.left
        return (0..<windowWidth).map { start + $0 * dilation.width }.filter { $0 >= 0 && $0 < inputWidth }
    }

    /// The number of taps of window (p, q) an average divides by: those inside the padded
    /// extent when padding counts (PyTorch clips windows that run past it in ceil mode),
    /// otherwise those inside the input.
    func averageDivisor(p: Int, q: Int, options: Pool2DOptions) -> Int {
        if let divisor = options.divisorOverride { return divisor }
        guard options.countIncludePad else { return inputRows(window: p).count * inputColumns(window: q).count }
        let rowStart = p * stride.height - padding.top
        let columnStart = q * stride.width - padding.left
        let rows = (0..<windowHeight).filter {
            let row = rowStart + $0 * dilation.height
            return row >= -padding.top && row < inputHeight + padding.bottom
        }.count
        let columns = (0..<windowWidth).filter {
            let column = columnStart + $0 * dilation.width
            return column >= -padding.left && column < inputWidth + padding.right
        }.count
        return rows * columns
    }

    func outputShape(_ layout: TensorLayout) -> [Int] {
        layout.activationShape(n: batch, c: channels, h: outputHeight, w: outputWidth)
    }
}
