import ConvKitCore
/// Inverted dropout: in training, each element is zeroed with probability `rate` and the others
/// are scaled by `1 / (1 − rate)`; in evaluation it is the identity.
///
/// Shapes: input and output `[N] + inputShape`, any shape.
///
/// The masks are reproducible: the k-th training forward pass draws its mask from numpy's
/// generator seeded with a mix of `seed` and k. The seed and k are the buffer `"rng"`
/// (`[seed >> 16, seed & 0xFFFF, k]`, exact in Float up to 2²⁴ passes), saved in checkpoints so
/// that a resumed run draws the same masks. A copy of the layer draws the same next mask as the
/// original.
public struct Dropout<Scalar: ConvKitFloat>: Layer {
    /// The probability of zeroing an element, in `[0, 1)`.
    public let rate: Double
    /// The seed the masks derive from.
    public private(set) var seed: UInt32
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public var outputShape: [Int] { inputShape }
    /// The number of masks drawn so far.
    public private(set) var draws: Int = 0
    /// The mask of the last training forward pass (0 or `1 / (1 − rate)` per element), shaped
    /// like its input; `nil` after an evaluation pass.
    public private(set) var mask: Tensor<Scalar>?
    /// The batch size of the last forward pass, or `nil` when no backward pass is pending.
    private var batch: Int?

    /// Dropout for samples of `inputShape`.
    ///
    /// - Throws: ``ConvKitError`` when `rate` is not in `[0, 1)`.
    public init(inputShape: [Int], rate: Double, seed: UInt32 = 0) throws {
        guard rate >= 0, rate < 1 else {
            throw ConvKitError("Dropout", "rate must be in [0, 1), got \(rate)")
        }
        self.rate = rate
        self.seed = seed
        self.inputShape = inputShape
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .dropout(rate: rate) }

    // x is (N, ...); y is (N, ...), mask is (N, ...)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        batch = try checkInput(input)
        guard training, rate > 0 else {
            mask = nil
            return input
        }
        var rng = NumPyRandomState(seed: dropoutSeed(seed, draw: draws))
        draws += 1
        let (rate, scale) = (rate, Scalar(1 / (1 - rate)))
        let newMask = try Tensor<Scalar>.filled(shape: input.shape) { m in
            for i in 0..<input.count { m[i] = rng.nextDouble() >= rate ? scale : 0 }
        }
        mask = newMask
        return try Tensor<Scalar>.filled(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                newMask.scalars.withUnsafeBufferPointer { m in
                    dropoutApply(y: y, x: x.baseAddress, mask: m.baseAddress, count: x.count)
                }
            }
        }
    }

    // dy is (N, ...); dx is (N, ...)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let n = batch else { throw missingForward }
        try checkGradOutput(gradOutput, batch: n)
        batch = nil
        guard needsInputGradient else { return nil }
        // in the forward pass this was: y = x (evaluation)
        // so now we have: dx = dy
        guard let mask else { return gradOutput }
        // in the forward pass this was: y[i] = x[i] · mask[i]
        // so now we have: dx[i] = dy[i] · mask[i]
        return try Tensor<Scalar>.filled(shape: gradOutput.shape) { dx in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                mask.scalars.withUnsafeBufferPointer { m in
                    dropoutApply(y: dx, x: dy.baseAddress, mask: m.baseAddress, count: dy.count)
                }
            }
        }
    }

    /// The non-learnable state saved in checkpoints.
    public var buffers: [NamedTensor<Scalar>] {
        let values = [Scalar(seed >> 16), Scalar(seed & 0xFFFF), Scalar(draws)]
        return [NamedTensor(name: "rng", value: Tensor(uncheckedShape: [3], scalars: values))]
    }

    /// The elements counted as non-trainable parameters.
    public var nonTrainableParameterCount: Int { 0 }

    /// Replaces a parameter or buffer by name.
    public mutating func setTensor(named name: String, to value: Tensor<Scalar>) throws {
        guard name == "rng" else {
            throw ConvKitError("Dropout.setTensor", "\(spec) has no tensor named '\(name)'")
        }
        let whole = value.scalars.map { $0 >= 0 && $0 < 1e15 && $0 == $0.rounded(.towardZero) }
        guard value.shape == [3], !whole.contains(false), value.scalars[0] < 65536, value.scalars[1] < 65536 else {
            throw ConvKitError(
                "Dropout.setTensor",
                "\(spec): 'rng' must be [seed >> 16, seed & 0xFFFF, draws] in whole numbers, got shape "
                    + "\(shapeString(value.shape)) \(value.scalars.prefix(3))")
        }
        seed = UInt32(value.scalars[0]) << 16 | UInt32(value.scalars[1])
        draws = Int(value.scalars[2])
    }
}

/// The seed of the `draw`-th mask: SplitMix64 of the layer's seed and the draw, folded to 32 bits.
func dropoutSeed(_ seed: UInt32, draw: Int) -> UInt32 {
    var z = (UInt64(seed) << 32) ^ UInt64(truncatingIfNeeded: draw) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return UInt32(truncatingIfNeeded: z ^ (z >> 32))
}

/// x is (count), mask is (count); y is (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func dropoutApply<T: ConvKitFloat>(y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, mask: UnsafePointer<T>?, count: Int) {
    guard let x, let mask else { return }
    for i in 0..<count { y[i] = x[i] * mask[i] }
}
