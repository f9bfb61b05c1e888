import ConvKitCore
/// A 2-d convolution layer on NHWC images, with an optional bias, on ConvKit's fast convolution.
///
/// Shapes: input `[N, H, W, C]`, weight `[R, S, C, K]` (K = `filters`), bias `[K]`, output
/// `[N, P, Q, K]` with `P`, `Q` as in ``Conv2DOptions`` (`same`: `ceil(H / stride)`;
/// `valid`: `(H − R) / stride + 1`).
///
/// Parameters: `"weight"` `[R, S, C, K]` and, with a bias, `"bias"` `[K]`.
///
/// ```swift
/// var conv = try Conv2D<Float>(inputShape: [8, 8, 1], filters: 16, kernel: 3, padding: .same)
/// let y = try conv.forward(x, training: true)          // [N, 8, 8, 16]
/// ```
public struct Conv2D<Scalar: ConvKitFloat>: WeightAndBiasLayer {
    /// The number of output channels K.
    public let filters: Int
    /// The kernel size (R, S).
    public let kernel: Size2D
    /// The step between windows.
    public let stride: Size2D
    /// The padding (`.same`, `.valid`, `.uniform(p)`, …); zeros fill it.
    public let padding: Padding
    /// Whether the layer adds a bias.
    public let hasBias: Bool
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]

    /// The kernel, `[R, S, C, K]`.
    public var weight: Tensor<Scalar>
    /// The bias, `[K]` (empty `[0]` without bias).
    public var bias: Tensor<Scalar>
    /// ∂L/∂weight accumulated since the last ``zeroGradients()``, `[R, S, C, K]`.
    public var weightGradient: Tensor<Scalar>
    /// ∂L/∂bias accumulated since the last ``zeroGradients()``, `[K]`.
    public var biasGradient: Tensor<Scalar>

    private let options: Conv2DOptions
    private var cache: Conv2DCache<Scalar>?

    /// A convolution for samples of `inputShape` (`[H, W, C]`), with zero weights and bias
    /// (``Sequential`` draws the initial weights; see ``initializeParameters(_:rng:)``).
    ///
    /// - Throws: ``ConvKitError`` when `inputShape` is not `[H, W, C]`, a size is not positive
    ///   or the kernel does not fit the padded input.
    public init(
        inputShape: [Int], filters: Int, kernel: Size2D, stride: Size2D = 1, padding: Padding = .valid,
        bias: Bool = true
    ) throws {
        let function = "Conv2D"
        guard inputShape.count == 3 else {
            throw ConvKitError(
                function, "input must be an image [H, W, C], got \(shapeString(inputShape)); a dense input cannot be convolved")
        }
        guard filters >= 1 else { throw ConvKitError(function, "filters must be at least 1, got \(filters)") }
        try kernel.validatePositive("kernel", function: function)
        let options = Conv2DOptions(stride: stride, padding: padding, layout: .nhwc)
        let weightShape = [kernel.height, kernel.width, inputShape[2], filters]
        let geometry = try Conv2DGeometry(
            inputShape: [1] + inputShape, weightShape: weightShape, biasShape: bias ? [filters] : nil,
            options: options, elementBytes: MemoryLayout<Scalar>.stride, function: function)
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.hasBias = bias
        self.inputShape = inputShape
        self.outputShape = [geometry.outputHeight, geometry.outputWidth, filters]
        self.options = options
        self.weight = try Tensor(zeros: weightShape)
        self.bias = try Tensor(zeros: [bias ? filters : 0])
        self.weightGradient = weight
        self.biasGradient = self.bias
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec {
        .conv2d(filters: filters, kernel: kernel, stride: stride, padding: padding, bias: hasBias)
    }

    // x is (N, H, W, C), weight is (R, S, C, K), bias is (K); y is (N, P, Q, K)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        _ = try checkInput(input)
        // y[n, p, q, k] = bias[k] + Σ_{r, s, c} xPadded[n, p·stride + r, q·stride + s, c] · weight[r, s, c, k]
        let (output, cache) = try conv2dForward(input, weight: weight, bias: hasBias ? bias : nil, options: options)
        self.cache = cache
        return output
    }

    // dy is (N, P, Q, K); dx is (N, H, W, C), dweight is (R, S, C, K), dbias is (K)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let cache else { throw missingForward }
        try checkGradOutput(gradOutput, batch: cache.geometry.batch)
        // in the forward pass this was: y[n, p, q, k] += xPadded[n, p·stride + r, q·stride + s, c] · weight[r, s, c, k]
        // so now we have: dweight[r, s, c, k] += Σ_{n, p, q} xPadded[...] · dy[n, p, q, k]
        // and, from y[n, p, q, k] += bias[k]: dbias[k] += Σ_{n, p, q} dy[n, p, q, k]
        let (dWeight, dBias) = try conv2dBackwardWeight(gradOutput, cache: cache)
        accumulateGradient(&weightGradient, dWeight)
        if let dBias { accumulateGradient(&biasGradient, dBias) }
        // and: dxPadded[n, p·stride + r, q·stride + s, c] += weight[r, s, c, k] · dy[n, p, q, k],
        // skipped in a model's first layer, whose input needs no gradient
        let dx = needsInputGradient ? try conv2dBackwardInput(gradOutput, cache: cache) : nil
        self.cache = nil  // releases the weight, so that the optimiser updates it in place
        return dx
    }

    /// Draws the initial weights (see ``Layer/initializeParameters(_:rng:)``).
    public mutating func initializeParameters(_ scheme: WeightInitialization, rng: inout NumPyRandomState) throws {
        let receptive = kernel.height * kernel.width
        weight = try scheme.weight(
            shape: weight.shape, fanIn: receptive * inputShape[2], fanOut: receptive * filters, rng: &rng)
        zeroFill(&bias)
    }
}
