import ConvKitCore
/// Global average pooling: the mean of each channel over the whole image (Keras's
/// `GlobalAveragePooling2D`), so that a dense layer can follow without a flatten.
///
/// Shapes: input `[N, H, W, C]`, output `[N, C]`.
public struct GlobalAvgPool2D<Scalar: ConvKitFloat>: Layer {
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]
    /// The batch size of the last forward pass, or `nil` when no backward pass is pending.
    private var batch: Int?

    /// Global average pooling for samples of `inputShape` (`[H, W, C]`).
    ///
    /// - Throws: ``ConvKitError`` when the input is not an image with positive sizes.
    public init(inputShape: [Int]) throws {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ConvKitError("GlobalAvgPool2D", "input must be an image [H, W, C], got \(shapeString(inputShape))")
        }
        self.inputShape = inputShape
        self.outputShape = [inputShape[2]]
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .globalAvgPool }

    // x is (N, H, W, C); y is (N, C)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        let n = try checkInput(input)
        let (pixels, c) = (inputShape[0] * inputShape[1], inputShape[2])
        let output = try Tensor<Scalar>.filled(shape: [n, c]) { y in
            input.scalars.withUnsafeBufferPointer { x in
                globalAvgPoolForward(y: y, x: x.baseAddress, batch: n, pixels: pixels, channels: c)
            }
        }
        batch = n
        return output
    }

    // dy is (N, C); dx is (N, H, W, C)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let n = batch else { throw missingForward }
        try checkGradOutput(gradOutput, batch: n)
        batch = nil
        guard needsInputGradient else { return nil }
        let (pixels, c) = (inputShape[0] * inputShape[1], inputShape[2])
        return try Tensor<Scalar>.filled(shape: [n] + inputShape) { dx in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                globalAvgPoolBackward(dx: dx, dy: dy.baseAddress, batch: n, pixels: pixels, channels: c)
            }
        }
    }
}

/// x is (N, H·W, C); y is (N, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
package func globalAvgPoolForward<T: ConvKitFloat>(
    y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, batch: Int, pixels: Int, channels c: Int
) {
    guard let x else { return }
    let scale = 1 / T(pixels)
    for n in 0..<batch {
        let out = y + n * c
        out.initialize(repeating: 0, count: c)
        // y[n, c] = Σ_{h, w} x[n, h, w, c] / (H·W)
        for pixel in 0..<pixels {
            let tap = x + (n * pixels + pixel) * c
            for ch in 0..<c { out[ch] += tap[ch] }
        }
        for ch in 0..<c { out[ch] *= scale }
    }
}

/// dy is (N, C); dx is (N, H·W, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func globalAvgPoolBackward<T: ConvKitFloat>(
    dx: UnsafeMutablePointer<T>, dy: UnsafePointer<T>?, batch: Int, pixels: Int, channels c: Int
) {
    guard let dy else { return }
    let scale = 1 / T(pixels)
    for n in 0..<batch {
        for pixel in 0..<pixels {
            let tap = dx + (n * pixels + pixel) * c
            // in the forward pass this was: y[n, c] += x[n, h, w, c] / (H·W)
            // so now we have:
            for ch in 0..<c { tap[ch] = dy[n * c + ch] * scale }
        }
    }
}
