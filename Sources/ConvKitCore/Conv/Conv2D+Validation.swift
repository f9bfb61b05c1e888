extension Conv2DGeometry {
    /// Checks a convolution's tensors and options and resolves its sizes.
    ///
    /// `function` names the public entry point in error messages; `elementBytes` is the size
    /// of one element, for the memory limit.
    package init(
        inputShape: [Int], weightShape: [Int], biasShape: [Int]?, options: Conv2DOptions,
        elementBytes: Int, function: String
    ) throws {
        let layout = options.layout
        let shapes = "(input \(shapeString(inputShape)), weight \(shapeString(weightShape)))"
        guard inputShape.count == 4 else {
            throw ConvKitError(
                function, "input must have rank 4 (\(layout.activationAxes)), got shape \(shapeString(inputShape))")
        }
        guard weightShape.count == 4 else {
            throw ConvKitError(
                function, "weight must have rank 4 (\(layout.weightAxes)), got shape \(shapeString(weightShape))")
        }
        try options.stride.validatePositive("stride", function: function)
        try options.dilation.validatePositive("dilation", function: function)
        guard options.groups >= 1 else {
            throw ConvKitError(function, "groups must be at least 1, got \(options.groups)")
        }

        let (n, c, h, w) = layout.activationSizes(inputShape)
        let (k, cPerGroup, r, s) = layout.weightSizes(weightShape)
        let groups = options.groups
        guard c >= 1, h >= 1, w >= 1 else {
            throw ConvKitError(function, "input has an empty channel or spatial axis \(shapes)")
        }
        guard k >= 1, r >= 1, s >= 1 else {
            throw ConvKitError(function, "weight has an empty axis \(shapes)")
        }
        guard c % groups == 0 else {
            throw ConvKitError(
                function, "input channels \(c) are not divisible by groups \(groups) \(shapes)")
        }
        guard k % groups == 0 else {
            throw ConvKitError(
                function, "output channels \(k) are not divisible by groups \(groups) \(shapes)")
        }
        guard cPerGroup == c / groups else {
            let message = groups == 1
                ? "weight expects \(cPerGroup) input channels but input has \(c)"
                : "weight expects \(cPerGroup) input channels per group but input has \(c / groups) per group "
                    + "(\(c) channels / groups \(groups))"
            throw ConvKitError(function, "\(message) \(shapes)")
        }
        if let biasShape {
            guard biasShape == [k] || biasShape == [1, 1, 1, k] else {
                throw ConvKitError(
                    function,
                    "bias must have shape [\(k)] or [1, 1, 1, \(k)], got \(shapeString(biasShape)) \(shapes)")
            }
        }

        let effective = try Size2D.effectiveWindow(
            Size2D(height: r, width: s), dilation: options.dilation, function: function)
        let pad = try options.padding.resolved(
            inputSize: Size2D(height: h, width: w), effectiveWindow: effective, stride: options.stride,
            function: function)
        try options.paddingMode.validate(pad, height: h, width: w, function: function, shapes: shapes)

        let paddedHeight = try Checked.sum(h, pad.top, pad.bottom, what: "padded height", in: function)
        let paddedWidth = try Checked.sum(w, pad.left, pad.right, what: "padded width", in: function)
        guard effective.height <= paddedHeight, effective.width <= paddedWidth else {
            throw ConvKitError(
                function,
                "kernel \(r)×\(s) (dilated \(effective.height)×\(effective.width)) is larger than the padded input "
                    + "\(paddedHeight)×\(paddedWidth): the output would be empty \(shapes)")
        }
        self.init(
            batch: n, inputChannels: c, inputHeight: h, inputWidth: w, outputChannels: k,
            kernelHeight: r, kernelWidth: s,
            outputHeight: (paddedHeight - effective.height) / options.stride.height + 1,
            outputWidth: (paddedWidth - effective.width) / options.stride.width + 1,
            padding: pad, stride: options.stride, dilation: options.dilation, groups: groups)
        // The output and the padded copy the reference and loop-free passes make must fit.
        let output = try Checked.product(
            n, outputHeight, outputWidth, k, what: "output size (N·P·Q·K) \(shapes)", in: function)
        try ResourceLimits.check(
            elements: output, of: elementBytes, what: "the output [\(n), \(outputHeight), \(outputWidth), \(k)]",
            in: function)
        let padded = try Checked.product(
            n, paddedHeight, paddedWidth, c, what: "padded input size \(shapes)", in: function)
        try ResourceLimits.check(
            elements: padded, of: elementBytes, what: "the padded input [\(n), \(paddedHeight), \(paddedWidth), \(c)]",
            in: function)
    }

    /// The shape of the output in `layout`.
    package func outputShape(_ layout: TensorLayout) -> [Int] {
        layout.activationShape(n: batch, c: outputChannels, h: outputHeight, w: outputWidth)
    }
}

extension Size2D {
    /// `dilation · (window − 1) + 1` on both axes, checked.
    package static func effectiveWindow(_ window: Size2D, dilation: Size2D, function: String) throws -> Size2D {
        func axis(_ size: Int, _ rate: Int, _ name: String) throws -> Int {
            let span = try Checked.product(rate, size - 1, what: "dilated window \(name)", in: function)
            return try Checked.sum(span, 1, what: "dilated window \(name)", in: function)
        }
        return Size2D(
            height: try axis(window.height, dilation.height, "height"),
            width: try axis(window.width, dilation.width, "width"))
    }

    package func validatePositive(_ name: String, function: String) throws {
        guard height >= 1, width >= 1 else {
            throw ConvKitError(function, "\(name) must be at least 1 on both axes, got \(self)")
        }
    }
}

extension PaddingMode {
    /// PyTorch's limits: reflection needs pads smaller than the axis, wrapping at most the axis.
    package func validate(_ pad: ResolvedPadding, height: Int, width: Int, function: String, shapes: String) throws {
        let largestHeightPad = Swift.max(pad.top, pad.bottom)
        let largestWidthPad = Swift.max(pad.left, pad.right)
        switch self {
        case .zeros, .replicate:
            return
        case .reflect:
            guard largestHeightPad < height, largestWidthPad < width else {
                throw ConvKitError(
                    function,
                    "reflect padding \(pad) must be smaller than the input's height \(height) and width \(width) \(shapes)")
            }
        case .circular:
            guard largestHeightPad <= height, largestWidthPad <= width else {
                throw ConvKitError(
                    function,
                    "circular padding \(pad) must not exceed the input's height \(height) and width \(width) \(shapes)")
            }
        }
    }
}

extension TensorLayout {
    var activationAxes: String { self == .nhwc ? "[N, H, W, C]" : "[N, C, H, W]" }
    var weightAxes: String { self == .nhwc ? "[R, S, C/groups, K]" : "[K, C/groups, R, S]" }

    /// (N, C, H, W) of an activation shape in this layout.
    func activationSizes(_ shape: [Int]) -> (n: Int, c: Int, h: Int, w: Int) {
        self == .nhwc ? (shape[0], shape[3], shape[1], shape[2]) : (shape[0], shape[1], shape[2], shape[3])
    }

    /// (K, C/G, R, S) of a weight shape in this layout.
    func weightSizes(_ shape: [Int]) -> (k: Int, cPerGroup: Int, r: Int, s: Int) {
        self == .nhwc ? (shape[3], shape[2], shape[0], shape[1]) : (shape[0], shape[1], shape[2], shape[3])
    }

    func activationShape(n: Int, c: Int, h: Int, w: Int) -> [Int] {
        self == .nhwc ? [n, h, w, c] : [n, c, h, w]
    }
}
