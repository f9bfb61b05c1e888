import ConvKitCore
/// The leaky rectified linear unit, `y = x > 0 ? x : alpha · x`, element by element, on any shape.
///
/// Shapes: input and output `[N] + inputShape`. PyTorch's `LeakyReLU(negative_slope)`; the
/// gradient at 0 is `alpha`.
public struct LeakyReLU<Scalar: ConvKitFloat>: Layer {
    /// The slope for negative inputs (PyTorch's default 0.01).
    public let alpha: Double
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public var outputShape: [Int] { inputShape }
    /// The forward input, kept for the backward pass.
    private var cachedInput: Tensor<Scalar>?

    /// A leaky ReLU for samples of `inputShape`.
    ///
    /// - Throws: ``ConvKitError`` when `alpha` is not finite.
    public init(inputShape: [Int], alpha: Double = 0.01) throws {
        guard alpha.isFinite else { throw ConvKitError("LeakyReLU", "alpha must be finite, got \(alpha)") }
        self.alpha = alpha
        self.inputShape = inputShape
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .leakyReLU(alpha: alpha) }

    // x is (N, ...); y is (N, ...)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        _ = try checkInput(input)
        let alpha = Scalar(self.alpha)
        let output = try Tensor<Scalar>.filled(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                leakyReLUForward(y: y, x: x.baseAddress, alpha: alpha, count: x.count)
            }
        }
        cachedInput = input
        return output
    }

    // dy is (N, ...); dx is (N, ...)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let input = cachedInput else { throw missingForward }
        try checkGradOutput(gradOutput, batch: input.shape[0])
        cachedInput = nil
        guard needsInputGradient else { return nil }
        let alpha = Scalar(self.alpha)
        return try Tensor<Scalar>.filled(shape: input.shape) { dx in
            input.scalars.withUnsafeBufferPointer { x in
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    leakyReLUBackward(dx: dx, x: x.baseAddress, dy: dy.baseAddress, alpha: alpha, count: x.count)
                }
            }
        }
    }
}

/// x is (count); y is (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func leakyReLUForward<T: ConvKitFloat>(y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, alpha: T, count: Int) {
    guard let x else { return }
    let zero = T.zero  // hoisted: a literal inside the loop keeps the select from vectorising
    for i in 0..<count {
        let value = x[i]
        y[i] = value > zero ? value : alpha * value
    }
}

/// x is the forward input (count), dy is (count); dx is (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func leakyReLUBackward<T: ConvKitFloat>(
    dx: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, dy: UnsafePointer<T>?, alpha: T, count: Int
) {
    guard let x, let dy else { return }
    let zero = T.zero
    for i in 0..<count {
        // in the forward pass this was: y[i] = x[i] > 0 ? x[i] : alpha · x[i]
        // so now we have:
        let gradient = dy[i]
        dx[i] = x[i] > zero ? gradient : alpha * gradient
    }
}
