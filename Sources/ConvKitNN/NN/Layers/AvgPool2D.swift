import ConvKitCore
/// 2-d average pooling on NHWC images, without padding (PyTorch's `AvgPool2d(window, stride)`).
///
/// Shapes: input `[N, H, W, C]`, output `[N, P, Q, C]` with `P = (H − R) / strideH + 1`,
/// `Q = (W − S) / strideW + 1`; each output is the mean of its `R·S` window. The stride
/// defaults to the window.
public struct AvgPool2D<Scalar: ConvKitFloat>: Layer {
    /// The window (R, S).
    public let window: Size2D
    /// The step between windows.
    public let stride: Size2D
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]
    /// The batch size of the last forward pass, or `nil` when no backward pass is pending.
    private var batch: Int?

    /// Average pooling for samples of `inputShape` (`[H, W, C]`); `stride` defaults to `window`.
    ///
    /// - Throws: ``ConvKitError`` when the input is not an image, a size is not positive or the
    ///   window is larger than the input.
    public init(inputShape: [Int], window: Size2D, stride: Size2D? = nil) throws {
        self.window = window
        self.stride = stride ?? window
        self.inputShape = inputShape
        self.outputShape = try poolOutputShape(
            inputShape: inputShape, window: window, stride: stride ?? window, layer: "AvgPool2D")
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .avgPool(window: window, stride: stride) }

    // x is (N, H, W, C); y is (N, P, Q, C)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        let n = try checkInput(input)
        let geometry = PoolGeometry(inputShape: inputShape, outputShape: outputShape, window: window, stride: stride)
        let output = try Tensor<Scalar>.filled(shape: [n] + outputShape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                avgPoolForward(y: y, x: x.baseAddress, batch: n, geometry)
            }
        }
        batch = n
        return output
    }

    // dy is (N, P, Q, C); dx is (N, H, W, C)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let n = batch else { throw missingForward }
        try checkGradOutput(gradOutput, batch: n)
        batch = nil
        guard needsInputGradient else { return nil }
        let geometry = PoolGeometry(inputShape: inputShape, outputShape: outputShape, window: window, stride: stride)
        return try Tensor<Scalar>.filled(shape: [n] + inputShape) { dx in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                avgPoolBackward(dx: dx, dy: dy.baseAddress, batch: n, geometry)
            }
        }
    }
}

/// x is (N, H, W, C); y is (N, P, Q, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func avgPoolForward<T: ConvKitFloat>(y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, batch: Int, _ g: PoolGeometry) {
    guard let x else { return }
    let c = g.channels
    let scale = 1 / T(g.windowHeight * g.windowWidth)
    for n in 0..<batch {
        let image = x + n * g.height * g.width * c
        for p in 0..<g.outputHeight {
            for q in 0..<g.outputWidth {
                let out = y + ((n * g.outputHeight + p) * g.outputWidth + q) * c
                out.initialize(repeating: 0, count: c)
                // y[n, p, q, c] = Σ_{r, s} x[n, p·strideH + r, q·strideW + s, c] / (R·S)
                for r in 0..<g.windowHeight {
                    for s in 0..<g.windowWidth {
                        let tap = image + ((p * g.strideHeight + r) * g.width + q * g.strideWidth + s) * c
                        for ch in 0..<c { out[ch] += tap[ch] }
                    }
                }
                for ch in 0..<c { out[ch] *= scale }
            }
        }
    }
}

/// dy is (N, P, Q, C); dx is (N, H, W, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func avgPoolBackward<T: ConvKitFloat>(dx: UnsafeMutablePointer<T>, dy: UnsafePointer<T>?, batch: Int, _ g: PoolGeometry) {
    guard let dy else { return }
    let c = g.channels
    let scale = 1 / T(g.windowHeight * g.windowWidth)
    dx.initialize(repeating: 0, count: batch * g.height * g.width * c)
    for n in 0..<batch {
        let image = dx + n * g.height * g.width * c
        for p in 0..<g.outputHeight {
            for q in 0..<g.outputWidth {
                let gradient = dy + ((n * g.outputHeight + p) * g.outputWidth + q) * c
                for r in 0..<g.windowHeight {
                    for s in 0..<g.windowWidth {
                        let tap = image + ((p * g.strideHeight + r) * g.width + q * g.strideWidth + s) * c
                        // in the forward pass this was: y[n, p, q, c] += x[n, h, w, c] / (R·S)
                        // so now we have:
                        for ch in 0..<c { tap[ch] += gradient[ch] * scale }
                    }
                }
            }
        }
    }
}
