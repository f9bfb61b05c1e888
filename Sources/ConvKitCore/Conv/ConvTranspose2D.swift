/// What ``conv2dTransposeForward(_:weight:bias:options:outputPadding:)`` keeps for its backward pass.
public struct Conv2DTransposeCache<Scalar: ConvKitFloat>: Sendable {
    /// The input as given to the forward pass.
    public let input: Tensor<Scalar>
    /// The weight as given to the forward pass.
    public let weight: Tensor<Scalar>
    /// The shape of the bias as given, or `nil` without bias.
    public let biasShape: [Int]?
    /// The options of the forward pass.
    public let options: Conv2DOptions
    /// The shape of the forward output.
    public let outputShape: [Int]
    /// The convolution whose input gradient the forward pass is: its input is shaped like the
    /// output, its output like the input.
    let geometry: Conv2DGeometry

    /// That convolution's cache, with `convolutionInput` (shaped like the output) as its input.
    func convolution(input convolutionInput: Tensor<Scalar>) -> Conv2DCache<Scalar> {
        Conv2DCache(input: convolutionInput, weight: weight, biasShape: nil, options: options, geometry: geometry)
    }
}

/// A transposed convolution (PyTorch's `ConvTranspose2d`, ONNX's `ConvTranspose`, sometimes
/// called a deconvolution): the input gradient of the convolution with the same weight and
/// options, plus a bias.
///
/// Shapes, with `G = options.groups`:
/// - `.nhwc`: input `[N, H, W, C]`, weight `[R, S, K/G, C]`, output `[N, P, Q, K]`;
/// - `.nchw`: input `[N, C, H, W]`, weight `[C, K/G, R, S]` (PyTorch's), output `[N, K, P, Q]`;
/// - bias `[K]`;
/// - `P = (H − 1)·stride − padTop − padBottom + dilation·(R − 1) + outputPadding + 1`, likewise `Q`.
///
/// The padding is explicit (`.valid`, `.uniform`, `.symmetric`, `.explicit`) and of zeros, as in
/// PyTorch; `outputPadding` (smaller than the stride or the dilation on its axis) adds rows and
/// columns at the bottom and right that no input reaches but the bias.
///
/// - Throws: ``ConvKitError`` for mismatched shapes, padding the transposed convolution cannot
///   have, or an output that would be empty or too large.
public func conv2dTransposeForward<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>? = nil, options: Conv2DOptions = Conv2DOptions(),
    outputPadding: Size2D = 0
) throws -> (output: Tensor<T>, cache: Conv2DTransposeCache<T>) {
    let function = "conv2dTransposeForward"
    let shape = try transposedOutputShape(x, weight: weight, options: options, outputPadding: outputPadding, function: function)
    let layout = options.layout
    let outputChannels = layout == .nhwc ? shape[3] : shape[1]
    if let bias, bias.shape != [outputChannels] {
        throw ConvKitError(
            function, "bias has shape \(shapeString(bias.shape)) but the output has \(outputChannels) channels, expected [\(outputChannels)] "
                + "(input \(shapeString(x.shape)), weight \(shapeString(weight.shape)))")
    }
    // The convolution that maps an output-shaped tensor to an input-shaped one.
    let geometry = try Conv2DGeometry(
        inputShape: shape, weightShape: weight.shape, biasShape: nil, options: options,
        elementBytes: MemoryLayout<T>.stride, function: function)
    let cache = Conv2DTransposeCache(
        input: x, weight: weight, biasShape: bias?.shape, options: options, outputShape: shape, geometry: geometry)
    // in the convolution this was: y[n, p, q, c] += x[n, h, w, k] · w[r, s, k, c] over the windows,
    // so the transposed convolution is the convolution's input gradient with x in the place of dy.
    // Only the reference reads the convolution's input (it computes every gradient at once).
    let count = try Checked.product(shape, what: "the output's elements", in: function)
    let convolutionInput = options.algorithm == .reference || count == 0
        ? Tensor(uncheckedShape: shape, scalars: [T](repeating: 0, count: count)) : Tensor(uncheckedShape: [0], scalars: [])
    // With a dilation larger than the stride, outputPadding can give that convolution more
    // output rows than x has: they are zeros of its output gradient.
    let dy = resizedSpatially(x, height: geometry.outputHeight, width: geometry.outputWidth, layout: layout)
    var output = try conv2dBackwardInput(dy, cache: cache.convolution(input: convolutionInput))
    if let bias {
        output = addBias(bias, to: output, layout: layout)
    }
    return (output, cache)
}

/// The gradients of ``conv2dTransposeForward(_:weight:bias:options:outputPadding:)``: the input
/// gradient is the convolution of `gradOutput` with the same weight, the weight gradient the
/// convolution's weight gradient with the roles of input and output gradient exchanged, the
/// bias gradient the sum of `gradOutput` over everything but the channels.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func conv2dTransposeBackward<T: ConvKitFloat>(
    _ gradOutput: Tensor<T>, cache: Conv2DTransposeCache<T>
) throws -> Conv2DGradients<T> {
    let function = "conv2dTransposeBackward"
    guard gradOutput.shape == cache.outputShape else {
        throw ConvKitError(
            function, "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output had "
                + "\(shapeString(cache.outputShape)) (input \(shapeString(cache.input.shape)), weight \(shapeString(cache.weight.shape)))")
    }
    // dx: the convolution's forward pass of gradOutput (x took the place of its output gradient).
    let layout = cache.options.layout
    let (h, w) = layout == .nhwc ? (cache.input.shape[1], cache.input.shape[2]) : (cache.input.shape[2], cache.input.shape[3])
    let (convolved, _) = try conv2dForward(gradOutput, weight: cache.weight, bias: nil, options: cache.options)
    let input = resizedSpatially(convolved, height: h, width: w, layout: layout)
    // dw: the convolution's weight gradient, its input being gradOutput and its output gradient x.
    let dy = resizedSpatially(cache.input, height: cache.geometry.outputHeight, width: cache.geometry.outputWidth, layout: layout)
    let (weight, _) = try conv2dBackwardWeight(dy, cache: cache.convolution(input: gradOutput))
    let bias = cache.biasShape.map { shape in
        Tensor(uncheckedShape: shape, scalars: channelSums(gradOutput, layout: cache.options.layout))
    }
    return Conv2DGradients(input: input, weight: weight, bias: bias)
}

/// The output shape of a transposed convolution, every size checked.
private func transposedOutputShape<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, options: Conv2DOptions, outputPadding: Size2D, function: String
) throws -> [Int] {
    let layout = options.layout
    let about = "(input \(shapeString(x.shape)), weight \(shapeString(weight.shape)))"
    guard x.rank == 4, weight.rank == 4 else {
        throw ConvKitError(function, "input and weight must have rank 4 \(about)")
    }
    guard options.groups >= 1 else { throw ConvKitError(function, "groups must be at least 1, got \(options.groups)") }
    try options.stride.validatePositive("stride", function: function)
    try options.dilation.validatePositive("dilation", function: function)
    guard options.paddingMode == .zeros else {
        throw ConvKitError(function, "a transposed convolution pads with zeros only, got paddingMode \(options.paddingMode.rawValue)")
    }
    if options.padding == .same || options.padding == .sameLower {
        throw ConvKitError(
            function, "padding \(options.padding.descriptionForErrors) depends on the output size; give explicit pads")
    }
    // NHWC weight (R, S, K/G, C), NCHW weight (C, K/G, R, S).
    let (n, inputChannels, h, w) = layout == .nhwc ? (x.shape[0], x.shape[3], x.shape[1], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (r, s, perGroup, weightInputs) = layout == .nhwc
        ? (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        : (weight.shape[2], weight.shape[3], weight.shape[1], weight.shape[0])
    guard weightInputs == inputChannels else {
        throw ConvKitError(function, "weight expects \(weightInputs) input channels but input has \(inputChannels) \(about)")
    }
    guard inputChannels % options.groups == 0 else {
        throw ConvKitError(function, "\(inputChannels) input channels do not split into \(options.groups) groups \(about)")
    }
    for (axis, padding, stride, dilation) in [("height", outputPadding.height, options.stride.height, options.dilation.height),
                                              ("width", outputPadding.width, options.stride.width, options.dilation.width)]
    where padding < 0 || padding >= max(stride, dilation) {
        throw ConvKitError(
            function, "outputPadding's \(axis) must be in 0..<max(stride, dilation) = 0..<\(max(stride, dilation)), got \(padding)")
    }
    let pads = try options.padding.resolved(inputSize: 0, effectiveWindow: 0, stride: options.stride, function: function)
    func size(_ input: Int, _ window: Int, _ stride: Int, _ dilation: Int, _ before: Int, _ after: Int, _ extra: Int, _ axis: String) throws -> Int {
        let what = "the output's \(axis)"
        let spread = try Checked.product(input - 1, stride, what: what, in: function)
        let reach = try Checked.product(dilation, window - 1, what: what, in: function)
        let total = try Checked.sum(spread, reach, extra, 1, what: what, in: function)
        let size = try Checked.difference(total, try Checked.sum(before, after, what: what, in: function), what: what, in: function)
        guard size >= 1 else {
            throw ConvKitError(function, "the output's \(axis) would be \(size): the padding removes more than the input spreads to \(about)")
        }
        return size
    }
    guard n >= 0, h >= 1, w >= 1, r >= 1, s >= 1, perGroup >= 1 else {
        throw ConvKitError(function, "every size but the batch must be at least 1 \(about)")
    }
    let p = try size(h, r, options.stride.height, options.dilation.height, pads.top, pads.bottom, outputPadding.height, "height")
    let q = try size(w, s, options.stride.width, options.dilation.width, pads.left, pads.right, outputPadding.width, "width")
    let k = try Checked.product(perGroup, options.groups, what: "output channels", in: function)
    return layout == .nhwc ? [n, p, q, k] : [n, k, p, q]
}

/// `t` with `height` rows and `width` columns: cropped at the bottom and right, or extended
/// there with zeros (`t` itself when it has that size).
private func resizedSpatially<T: ConvKitFloat>(_ t: Tensor<T>, height: Int, width: Int, layout: TensorLayout) -> Tensor<T> {
    let nhwc = layout == .nhwc
    let (n, c, h, w) = nhwc ? (t.shape[0], t.shape[3], t.shape[1], t.shape[2]) : (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
    guard h != height || w != width else { return t }
    let shape = nhwc ? [n, height, width, c] : [n, c, height, width]
    var scalars = [T](repeating: 0, count: n * c * height * width)
    // Offsets of (image, channel, row, column) in either layout.
    let from = { (i: Int, ch: Int, row: Int, column: Int) in nhwc ? ((i * h + row) * w + column) * c + ch : ((i * c + ch) * h + row) * w + column }
    let to = { (i: Int, ch: Int, row: Int, column: Int) in
        nhwc ? ((i * height + row) * width + column) * c + ch : ((i * c + ch) * height + row) * width + column
    }
    for i in 0..<n {
        for ch in 0..<c {
            for row in 0..<min(h, height) {
                for column in 0..<min(w, width) { scalars[to(i, ch, row, column)] = t.scalars[from(i, ch, row, column)] }
            }
        }
    }
    return Tensor(uncheckedShape: shape, scalars: scalars)
}

/// `y + bias` along the channel axis of `layout`.
private func addBias<T: ConvKitFloat>(_ bias: Tensor<T>, to y: Tensor<T>, layout: TensorLayout) -> Tensor<T> {
    var scalars = y.scalars
    let k = bias.scalars.count
    let plane = layout == .nhwc ? 1 : y.shape[2] * y.shape[3]
    // in the forward pass: y[n, k, p, q] += b[k] (NCHW), y[n, p, q, k] += b[k] (NHWC)
    for i in scalars.indices { scalars[i] += bias.scalars[i / plane % k] }
    return Tensor(uncheckedShape: y.shape, scalars: scalars)
}

/// `Σ dy` over everything but the channel axis of `layout`, in the order of the elements.
private func channelSums<T: ConvKitFloat>(_ dy: Tensor<T>, layout: TensorLayout) -> [T] {
    let k = layout == .nhwc ? dy.shape[3] : dy.shape[1]
    let plane = layout == .nhwc ? 1 : dy.shape[2] * dy.shape[3]
    var sums = [T](repeating: 0, count: k)
    // in the forward pass this was: y[…, k, …] += b[k], so now we have: db[k] += dy[…, k, …]
    for (i, value) in dy.scalars.enumerated() { sums[i / plane % k] += value }
    return sums
}
