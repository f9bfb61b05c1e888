import ConvKitCore
/// 2-d max pooling on NHWC images, without padding (PyTorch's `MaxPool2d(window, stride)`).
///
/// Shapes: input `[N, H, W, C]`, output `[N, P, Q, C]` with `P = (H − R) / strideH + 1`,
/// `Q = (W − S) / strideW + 1`. The stride defaults to the window. Each window's gradient goes
/// to its first maximum in scan order, as in PyTorch.
public struct MaxPool2D<Scalar: ConvKitFloat>: Layer {
    /// The window (R, S).
    public let window: Size2D
    /// The step between windows.
    public let stride: Size2D
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]
    /// The forward input and output, kept for the backward pass, which finds each window's
    /// first maximum again instead of storing its position.
    private var cache: (input: Tensor<Scalar>, output: Tensor<Scalar>)?

    /// Max pooling for samples of `inputShape` (`[H, W, C]`); `stride` defaults to `window`.
    ///
    /// - Throws: ``ConvKitError`` when the input is not an image, a size is not positive or the
    ///   window is larger than the input.
    public init(inputShape: [Int], window: Size2D, stride: Size2D? = nil) throws {
        self.window = window
        self.stride = stride ?? window
        self.inputShape = inputShape
        self.outputShape = try poolOutputShape(
            inputShape: inputShape, window: window, stride: stride ?? window, layer: "MaxPool2D")
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .maxPool(window: window, stride: stride) }

    // x is (N, H, W, C); y is (N, P, Q, C)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        let n = try checkInput(input)
        let geometry = PoolGeometry(inputShape: inputShape, outputShape: outputShape, window: window, stride: stride)
        let output = try Tensor<Scalar>.filled(shape: [n] + outputShape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                maxPoolForward(y: y, x: x.baseAddress, batch: n, geometry)
            }
        }
        cache = (input, output)
        return output
    }

    // dy is (N, P, Q, C); dx is (N, H, W, C)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let (input, output) = cache else { throw missingForward }
        let n = input.shape[0]
        try checkGradOutput(gradOutput, batch: n)
        cache = nil
        guard needsInputGradient else { return nil }
        let geometry = PoolGeometry(inputShape: inputShape, outputShape: outputShape, window: window, stride: stride)
        return try Tensor<Scalar>.filled(shape: [n] + inputShape) { dx in
            input.scalars.withUnsafeBufferPointer { x in
                output.scalars.withUnsafeBufferPointer { y in
                    gradOutput.scalars.withUnsafeBufferPointer { dy in
                        maxPoolBackward(dx: dx, x: x.baseAddress, y: y.baseAddress, dy: dy.baseAddress, batch: n, geometry)
                    }
                }
            }
        }
    }
}

/// x is (N, H, W, C); y is (N, P, Q, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func maxPoolForward<T: ConvKitFloat>(y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, batch: Int, _ g: PoolGeometry) {
    guard let x else { return }
    let c = g.channels
    for n in 0..<batch {
        let image = x + n &* g.height &* g.width &* c
        for p in 0..<g.outputHeight {
            for q in 0..<g.outputWidth {
                let out = y + ((n &* g.outputHeight &+ p) &* g.outputWidth &+ q) &* c
                let (h0, w0) = (p &* g.strideHeight, q &* g.strideWidth)
                // y[n, p, q, c] = max over the window of x[n, h, w, c], starting from the first tap;
                // a NaN wins, as in PyTorch (selects on unconditional loads, so the loop vectorises)
                out.initialize(from: image + (h0 &* g.width &+ w0) &* c, count: c)
                for r in 0..<g.windowHeight {
                    for s in 0..<g.windowWidth where r > 0 || s > 0 {
                        let tap = image + ((h0 &+ r) &* g.width &+ w0 &+ s) &* c
                        for ch in 0..<c {
                            let (value, best) = (tap[ch], out[ch])
                            out[ch] = value > best || value != value ? value : best
                        }
                    }
                }
            }
        }
    }
}

/// x is (N, H, W, C), y is (N, P, Q, C), dy is (N, P, Q, C); dx is (N, H, W, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func maxPoolBackward<T: ConvKitFloat>(
    dx: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, y: UnsafePointer<T>?, dy: UnsafePointer<T>?, batch: Int,
    _ g: PoolGeometry
) {
    guard let x, let y, let dy else { return }
    let c = g.channels
    // (constants hoisted out of the loops: a literal inside them keeps the selects from vectorising)
    let zero = T.zero
    // Windows that neither overlap nor leave gaps (PyTorch's usual 2×2, stride 2, on an even
    // input) cover every input element once: each is assigned, and nothing needs zeroing first.
    let tiles = g.strideHeight == g.windowHeight && g.strideWidth == g.windowWidth
        && g.outputHeight &* g.strideHeight == g.height && g.outputWidth &* g.strideWidth == g.width
    if !tiles { dx.initialize(repeating: zero, count: batch &* g.height &* g.width &* c) }
    // the gradient of one window not yet handed out, per channel
    let remaining = UnsafeMutablePointer<T>.allocate(capacity: c)
    defer { remaining.deallocate() }
    for n in 0..<batch {
        let offset = n &* g.height &* g.width &* c
        let (image, gradImage) = (x + offset, dx + offset)
        for p in 0..<g.outputHeight {
            for q in 0..<g.outputWidth {
                let out = ((n &* g.outputHeight &+ p) &* g.outputWidth &+ q) &* c
                remaining.update(from: dy + out, count: c)
                let (h0, w0) = (p &* g.strideHeight, q &* g.strideWidth)
                for r in 0..<g.windowHeight {
                    for s in 0..<g.windowWidth {
                        let position = ((h0 &+ r) &* g.width &+ w0 &+ s) &* c
                        let (tap, gradTap, best) = (image + position, gradImage + position, y + out)
                        // in the forward pass this was: y[n, p, q, c] = x[n, h, w, c] at the window's
                        // first maximum (in scan order)
                        // so now we have: dx[n, h, w, c] += dy[n, p, q, c] at that first maximum
                        // (x ≤ y everywhere, so "not below" is "equal": one compare and selects, which
                        // vectorise; a NaN maximum sends its gradient to the first tap)
                        if tiles {
                            for ch in 0..<c {
                                let (value, gradient) = (tap[ch], remaining[ch])
                                let hit = !(value < best[ch])
                                gradTap[ch] = hit ? gradient : zero
                                remaining[ch] = hit ? zero : gradient
                            }
                        } else {
                            for ch in 0..<c {
                                let (value, gradient) = (tap[ch], remaining[ch])
                                let hit = !(value < best[ch])
                                gradTap[ch] += hit ? gradient : zero
                                remaining[ch] = hit ? zero : gradient
                            }
                        }
                    }
                }
            }
        }
    }
}
