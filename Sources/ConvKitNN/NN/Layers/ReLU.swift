import ConvKitCore
/// The rectified linear unit, `y = max(x, 0)`, element by element, on any shape.
///
/// Shapes: input and output `[N] + inputShape`. The gradient at 0 is 0, and a NaN passes
/// through (its gradient is 0), as in PyTorch.
public struct ReLU<Scalar: ConvKitFloat>: Layer {
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public var outputShape: [Int] { inputShape }
    /// The forward output, kept for the backward pass (`y > 0` exactly where `x > 0`).
    private var cachedOutput: Tensor<Scalar>?

    /// A ReLU for samples of `inputShape`.
    public init(inputShape: [Int]) {
        self.inputShape = inputShape
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .relu }

    // x is (N, ...); y is (N, ...)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        _ = try checkInput(input)
        let output = try Tensor<Scalar>.filled(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                reluForward(y: y, x: x.baseAddress, count: x.count)
            }
        }
        cachedOutput = output
        return output
    }

    // dy is (N, ...); dx is (N, ...)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let output = cachedOutput else { throw missingForward }
        try checkGradOutput(gradOutput, batch: output.shape[0])
        cachedOutput = nil
        guard needsInputGradient else { return nil }
        return try Tensor<Scalar>.filled(shape: output.shape) { dx in
            output.scalars.withUnsafeBufferPointer { y in
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    reluBackward(dx: dx, y: y.baseAddress, dy: dy.baseAddress, count: y.count)
                }
            }
        }
    }
}

/// x is (count); y is (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func reluForward<T: ConvKitFloat>(y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, count: Int) {
    guard let x else { return }
    let zero = T.zero  // hoisted: a literal inside the loop keeps the select from vectorising
    for i in 0..<count {
        let value = x[i]
        y[i] = value > zero || value != value ? value : zero
    }
}

/// y is the forward output (count), dy is (count); dx is (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func reluBackward<T: ConvKitFloat>(
    dx: UnsafeMutablePointer<T>, y: UnsafePointer<T>?, dy: UnsafePointer<T>?, count: Int
) {
    guard let y, let dy else { return }
    let zero = T.zero
    for i in 0..<count {
        // in the forward pass this was: y[i] = x[i] > 0 ? x[i] : 0
        // so now we have:
        // (both loads unconditional, so the select compiles to a blend rather than a branch)
        let gradient = dy[i]
        dx[i] = y[i] > zero ? gradient : zero
    }
}
