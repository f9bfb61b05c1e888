extension Pool2DGeometry {
    /// Checks a pooling layer's input and options and resolves its sizes.
    /// `elementBytes` is the size of one element, for the memory limit.
    package init(inputShape: [Int], options: Pool2DOptions, elementBytes: Int, function: String) throws {
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

        let effective = try Size2D.effectiveWindow(window, dilation: options.dilation, function: function)
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
        let output = try Checked.product(
            n, outputHeight, outputWidth, c, what: "output size (N·P·Q·C) \(input)", in: function)
        // Indices (Int32 or Int) may come with the output: count the larger element.
        try ResourceLimits.check(
            elements: output, of: Swift.max(elementBytes, MemoryLayout<Int>.stride),
            what: "the output [\(n), \(outputHeight), \(outputWidth), \(c)]", in: function)
        try checkEveryWindowTouchesInput(function: function, context: input)
    }

    /// The number of windows along one axis, with PyTorch's ceil-mode rule: the last window
    /// must start inside the input or its leading padding.
    static func outputSize(
        input: Int, before: Int, after: Int, effectiveWindow: Int, stride: Int, ceilMode: Bool,
        axis: String, function: String, context: String
    ) throws -> Int {
        let padded = try Checked.sum(input, before, after, what: "padded \(axis)", in: function)
        let span = padded - effectiveWindow
        guard span >= 0 else {
            throw ConvKitError(
                function,
                "window \(effectiveWindow) (dilation included) is larger than the padded \(axis) "
                    + "\(padded): the output would be empty \(context)")
        }
        var count = (ceilMode ? Checked.ceilingDivision(span, stride) : span / stride) + 1
        // (count − 1)·stride < span + stride, and input + before ≤ padded: neither overflows.
        if ceilMode && (count - 1) * stride >= input + before { count -= 1 }
        return count
    }

    /// Rejects padding so large (or dilation so sparse) that a window would hold padding only.
    private func checkEveryWindowTouchesInput(function: String, context: String) throws {
        for p in 0..<outputHeight
        where Self.tapRange(start: p * stride.height - padding.top, window: windowHeight, rate: dilation.height, size: inputHeight).isEmpty {
            throw ConvKitError(
                function,
                "window \(p) along the height holds only padding (padding \(padding), window "
                    + "\(windowHeight)×\(windowWidth), dilation \(dilation)) \(context)")
        }
        for q in 0..<outputWidth
        where Self.tapRange(start: q * stride.width - padding.left, window: windowWidth, rate: dilation.width, size: inputWidth).isEmpty {
            throw ConvKitError(
                function,
                "window \(q) along the width holds only padding (padding \(padding), window "
                    + "\(windowHeight)×\(windowWidth), dilation \(dilation)) \(context)")
        }
    }

    /// The input rows window row `p` reads, in scan order (padding skipped).
    func inputRows(window p: Int) -> [Int] {
        Self.taps(start: p * stride.height - padding.top, window: windowHeight, rate: dilation.height, size: inputHeight)
    }

    /// The input columns window column `q` reads, in scan order (padding skipped).
    func inputColumns(window q: Int) -> [Int] {
        Self.taps(start: q * stride.width - padding.left, window: windowWidth, rate: dilation.width, size: inputWidth)
    }

    /// `start + t·rate` for the taps `t < window` inside `0..<size`, found by division rather
    /// than by visiting the padding (a window may be far larger than the input).
    static func taps(start: Int, window: Int, rate: Int, size: Int) -> [Int] {
        tapRange(start: start, window: window, rate: rate, size: size).map { start + $0 * rate }
    }

    /// The `t` of ``taps(start:window:rate:size:)``.
    static func tapRange(start: Int, window: Int, rate: Int, size: Int) -> Range<Int> {
        let first = start < 0 ? Checked.ceilingDivision(-start, rate) : 0
        let end = size > start ? Swift.min(window, Checked.ceilingDivision(size - start, rate)) : 0
        return first < end ? first..<end : 0..<0
    }

    /// The number of taps of window (p, q) an average divides by: those inside the padded
    /// extent when padding counts (PyTorch clips windows that run past it in ceil mode),
    /// otherwise those inside the input.
    func averageDivisor(p: Int, q: Int, options: Pool2DOptions) -> Int {
        if let divisor = options.divisorOverride { return divisor }
        guard options.countIncludePad else { return inputRows(window: p).count * inputColumns(window: q).count }
        // Taps inside the padded extent: shift it to start at 0.
        let rows = Self.tapRange(
            start: p * stride.height, window: windowHeight, rate: dilation.height,
            size: inputHeight + padding.top + padding.bottom).count
        let columns = Self.tapRange(
            start: q * stride.width, window: windowWidth, rate: dilation.width,
            size: inputWidth + padding.left + padding.right).count
        return rows * columns
    }

    func outputShape(_ layout: TensorLayout) -> [Int] {
        layout.activationShape(n: batch, c: channels, h: outputHeight, w: outputWidth)
    }
}
