import ConvKitCore
/// Batch normalisation over the last (channel) axis, PyTorch's `BatchNorm2d` on NHWC images
/// (and `BatchNorm1d` on flat `[N, D]` features).
///
/// Shapes: input and output `[N, H, W, C]` (or `[N, C]`); `weight` (γ), `bias` (β),
/// `running_mean` and `running_var` are `[C]`. With M = N·H·W values per channel:
/// - training: `y = (x − mean) / √(var + ε) · γ + β` with the batch's mean and biased variance;
///   the running statistics move by `momentum` towards the batch mean and the unbiased variance
///   (`var · M / (M − 1)`), as in PyTorch;
/// - evaluation: the same with the running statistics.
///
/// Parameters `"weight"` (γ, starts at 1) and `"bias"` (β, starts at 0); buffers
/// `"running_mean"` (starts at 0) and `"running_var"` (starts at 1).
public struct BatchNorm2D<Scalar: ConvKitFloat>: Layer {
    /// The weight of the new batch in the running statistics (PyTorch's default 0.1).
    public let momentum: Double
    /// Added to the variance before the square root (PyTorch's default 1e-5).
    public let epsilon: Double
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public var outputShape: [Int] { inputShape }

    /// γ, `[C]`.
    public var weight: Tensor<Scalar>
    /// β, `[C]`.
    public var bias: Tensor<Scalar>
    /// ∂L/∂γ accumulated since the last ``zeroGradients()``, `[C]`.
    public var weightGradient: Tensor<Scalar>
    /// ∂L/∂β accumulated since the last ``zeroGradients()``, `[C]`.
    public var biasGradient: Tensor<Scalar>
    /// The running mean, `[C]`.
    public var runningMean: Tensor<Scalar>
    /// The running (unbiased) variance, `[C]`.
    public var runningVariance: Tensor<Scalar>

    /// What the backward pass needs: the input, the mean and 1/√(var + ε) used, and whether they
    /// were the batch's own statistics (training) or the running ones.
    private struct Cache: Sendable {
        var input: Tensor<Scalar>
        var mean: [Scalar]
        var rstd: [Scalar]
        var batchStatistics: Bool
    }
    private var cache: Cache?

    /// Batch normalisation for samples of `inputShape` (`[H, W, C]` or `[C]`).
    ///
    /// - Throws: ``ConvKitError`` when the shape is empty or has an empty axis, `momentum` is not
    ///   in `[0, 1]` or `epsilon` is not positive.
    public init(inputShape: [Int], momentum: Double = 0.1, epsilon: Double = 1e-5) throws {
        guard let channels = inputShape.last, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ConvKitError("BatchNorm2D", "input must be [H, W, C] or [C] with positive sizes, got \(shapeString(inputShape))")
        }
        guard momentum >= 0, momentum <= 1 else {
            throw ConvKitError("BatchNorm2D", "momentum must be in [0, 1], got \(momentum)")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw ConvKitError("BatchNorm2D", "epsilon must be positive, got \(epsilon)")
        }
        self.momentum = momentum
        self.epsilon = epsilon
        self.inputShape = inputShape
        self.weight = try Tensor(shape: [channels], repeating: 1)
        self.bias = try Tensor(zeros: [channels])
        self.weightGradient = bias
        self.biasGradient = bias
        self.runningMean = bias
        self.runningVariance = weight
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .batchNorm(momentum: momentum, epsilon: epsilon) }

    /// The number of channels C.
    public var channels: Int { inputShape[inputShape.count - 1] }

    // x is (M, C) with M = N·H·W; y is (M, C); mean, rstd, weight, bias are (C)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        _ = try checkInput(input)
        let c = channels
        let m = input.count / c
        var mean = [Scalar](repeating: 0, count: c)
        var rstd = [Scalar](repeating: 0, count: c)
        if training {
            guard m > 1 else {
                throw ConvKitError(
                    "BatchNorm2D.forward",
                    "training needs more than one value per channel, got input \(shapeString(input.shape))")
            }
            var variance = [Double](repeating: 0, count: c)
            input.scalars.withUnsafeBufferPointer { x in
                batchNormStatistics(mean: &mean, variance: &variance, x: x.baseAddress, m: m, c: c)
            }
            // running = (1 − momentum) · running + momentum · batch statistic (unbiased variance)
            let (keep, take) = (Scalar(1 - momentum), Scalar(momentum))
            let unbias = Double(m) / Double(m - 1)
            for ch in 0..<c {
                rstd[ch] = Scalar(1 / (variance[ch] + epsilon).squareRoot())
                runningMean.scalars[ch] = keep * runningMean.scalars[ch] + take * mean[ch]
                runningVariance.scalars[ch] = keep * runningVariance.scalars[ch] + take * Scalar(variance[ch] * unbias)
            }
        } else {
            for ch in 0..<c {
                mean[ch] = runningMean.scalars[ch]
                rstd[ch] = Scalar(1 / (Double(runningVariance.scalars[ch]) + epsilon).squareRoot())
            }
        }
        let output = try Tensor<Scalar>.filled(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { gamma in
                    bias.scalars.withUnsafeBufferPointer { beta in
                        batchNormForward(
                            y: y, x: x.baseAddress, mean: mean, rstd: rstd, gamma: gamma.baseAddress,
                            beta: beta.baseAddress, m: m, c: c)
                    }
                }
            }
        }
        cache = Cache(input: input, mean: mean, rstd: rstd, batchStatistics: training)
        return output
    }

    // dy is (M, C); dx is (M, C), dweight and dbias are (C)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let cache else { throw missingForward }
        try checkGradOutput(gradOutput, batch: cache.input.shape[0])
        let c = channels
        let m = cache.input.count / c
        var dGamma = [Scalar](repeating: 0, count: c)
        var dBeta = [Scalar](repeating: 0, count: c)
        cache.input.scalars.withUnsafeBufferPointer { x in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                batchNormParameterGradients(
                    dGamma: &dGamma, dBeta: &dBeta, x: x.baseAddress, dy: dy.baseAddress, mean: cache.mean,
                    rstd: cache.rstd, m: m, c: c)
            }
        }
        accumulateGradient(&weightGradient, Tensor(uncheckedShape: [c], scalars: dGamma))
        accumulateGradient(&biasGradient, Tensor(uncheckedShape: [c], scalars: dBeta))
        self.cache = nil
        guard needsInputGradient else { return nil }
        return try Tensor<Scalar>.filled(shape: gradOutput.shape) { dx in
            cache.input.scalars.withUnsafeBufferPointer { x in
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    weight.scalars.withUnsafeBufferPointer { gamma in
                        batchNormInputGradient(
                            dx: dx, x: x.baseAddress, dy: dy.baseAddress, gamma: gamma.baseAddress, mean: cache.mean,
                            rstd: cache.rstd, dGamma: dGamma, dBeta: dBeta, batchStatistics: cache.batchStatistics,
                            m: m, c: c)
                    }
                }
            }
        }
    }

    /// The learnable parameters with their gradients.
    public var parameters: [NamedParameter<Scalar>] {
        [NamedParameter(name: "weight", value: weight, gradient: weightGradient),
         NamedParameter(name: "bias", value: bias, gradient: biasGradient)]
    }

    /// Calls `body` with each parameter, in place, and its gradient.
    public mutating func updateParameters(
        _ body: (_ name: String, _ value: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) throws -> Void
    ) throws {
        try body("weight", &weight, weightGradient)
        try body("bias", &bias, biasGradient)
    }

    /// Sets every parameter gradient to zero.
    public mutating func zeroGradients() {
        zeroFill(&weightGradient)
        zeroFill(&biasGradient)
    }

    /// The non-learnable state saved in checkpoints.
    public var buffers: [NamedTensor<Scalar>] {
        [NamedTensor(name: "running_mean", value: runningMean),
         NamedTensor(name: "running_var", value: runningVariance)]
    }

    /// Replaces a parameter or buffer by name.
    public mutating func setTensor(named name: String, to value: Tensor<Scalar>) throws {
        guard value.shape == [channels] else { throw wrongShape(name, value, expected: [channels]) }
        switch name {
        case "weight": weight = value
        case "bias": bias = value
        case "running_mean": runningMean = value
        case "running_var": runningVariance = value
        default: throw ConvKitError("BatchNorm2D.setTensor", "\(spec) has no tensor named '\(name)'")
        }
    }

    /// Draws the initial weights (see ``Layer/initializeParameters(_:rng:)``).
    public mutating func initializeParameters(_ scheme: WeightInitialization, rng: inout NumPyRandomState) throws {
        weight = try Tensor(shape: [channels], repeating: 1)
        zeroFill(&bias)
    }
}

/// The per-channel mean and biased variance, summed in Double, in two passes.
///
/// x is (M, C); mean is (C), variance is (C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormStatistics<T: ConvKitFloat>(
    mean: inout [T], variance: inout [Double], x: UnsafePointer<T>?, m: Int, c: Int
) {
    guard let x else { return }
    var sum = [Double](repeating: 0, count: c)
    sum.withUnsafeMutableBufferPointer { sum in
        for row in 0..<m {
            let xRow = x + row * c
            for ch in 0..<c { sum[ch] += Double(xRow[ch]) }
        }
        for ch in 0..<c { sum[ch] /= Double(m) }
        variance.withUnsafeMutableBufferPointer { variance in
            for row in 0..<m {
                let xRow = x + row * c
                for ch in 0..<c {
                    let centred = Double(xRow[ch]) - sum[ch]
                    variance[ch] += centred * centred
                }
            }
            for ch in 0..<c { variance[ch] /= Double(m) }
        }
        for ch in 0..<c { mean[ch] = T(sum[ch]) }
    }
}

/// x is (M, C), mean, rstd, gamma, beta are (C); y is (M, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
package func batchNormForward<T: ConvKitFloat>(
    y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, mean: [T], rstd: [T], gamma: UnsafePointer<T>?,
    beta: UnsafePointer<T>?, m: Int, c: Int
) {
    guard let x, let gamma, let beta else { return }
    // y = (x − mean) · rstd · γ + β, as y = x · scale + shift with scale = rstd · γ
    var scale = [T](repeating: 0, count: c)
    var shift = [T](repeating: 0, count: c)
    for ch in 0..<c {
        scale[ch] = rstd[ch] * gamma[ch]
        shift[ch] = beta[ch] - mean[ch] * scale[ch]
    }
    scale.withUnsafeBufferPointer { scale in
        shift.withUnsafeBufferPointer { shift in
            for row in 0..<m {
                let (xRow, yRow) = (x + row * c, y + row * c)
                for ch in 0..<c { yRow[ch] = xRow[ch] * scale[ch] + shift[ch] }
            }
        }
    }
}

/// x is (M, C), dy is (M, C), mean and rstd are (C); dGamma and dBeta are (C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormParameterGradients<T: ConvKitFloat>(
    dGamma: inout [T], dBeta: inout [T], x: UnsafePointer<T>?, dy: UnsafePointer<T>?, mean: [T], rstd: [T],
    m: Int, c: Int
) {
    guard let x, let dy else { return }
    dGamma.withUnsafeMutableBufferPointer { dGamma in
        dBeta.withUnsafeMutableBufferPointer { dBeta in
            mean.withUnsafeBufferPointer { mean in
                rstd.withUnsafeBufferPointer { rstd in
                    guard let dGamma = dGamma.baseAddress, let dBeta = dBeta.baseAddress,
                          let mean = mean.baseAddress, let rstd = rstd.baseAddress else { return }
                    for row in 0..<m {
                        let (xRow, dyRow) = (x + row &* c, dy + row &* c)
                        for ch in 0..<c {
                            // in the forward pass this was: y = xhat · γ + β with xhat = (x − mean) · rstd
                            // so now we have:
                            let xhat = (xRow[ch] - mean[ch]) * rstd[ch]
                            dGamma[ch] += xhat * dyRow[ch]
                            dBeta[ch] += dyRow[ch]
                        }
                    }
                }
            }
        }
    }
}

/// x is (M, C), dy is (M, C), gamma, mean, rstd, dGamma, dBeta are (C); dx is (M, C)
@_specialize(where T == Float)
@_specialize(where T == Double)
func batchNormInputGradient<T: ConvKitFloat>(
    dx: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, dy: UnsafePointer<T>?, gamma: UnsafePointer<T>?,
    mean: [T], rstd: [T], dGamma: [T], dBeta: [T], batchStatistics: Bool, m: Int, c: Int
) {
    guard let x, let dy, let gamma else { return }
    // per channel: dx = a · dy + b · xhat + d, with constants hoisted out of the loop over rows
    let invM = 1 / T(m)
    var a = [T](repeating: 0, count: c)
    var b = [T](repeating: 0, count: c)
    var d = [T](repeating: 0, count: c)
    for ch in 0..<c {
        a[ch] = gamma[ch] * rstd[ch]
        if batchStatistics {
            // in the forward pass this was: xhat = (x − mean(x)) · rstd(x), y = xhat · γ + β,
            // where the mean and the variance depend on every x of the channel
            // so now we have: dx = γ · rstd · (dy − Σdy / M − xhat · Σ(dy · xhat) / M)
            b[ch] = -a[ch] * dGamma[ch] * invM
            d[ch] = -a[ch] * dBeta[ch] * invM
        }
        // in evaluation this was: y = (x − runningMean) · rstd · γ + β (constants), so dx = γ · rstd · dy
    }
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            d.withUnsafeBufferPointer { d in
                mean.withUnsafeBufferPointer { mean in
                    rstd.withUnsafeBufferPointer { rstd in
                        guard let a = a.baseAddress, let b = b.baseAddress, let d = d.baseAddress,
                              let mean = mean.baseAddress, let rstd = rstd.baseAddress else { return }
                        for row in 0..<m {
                            let (xRow, dyRow, dxRow) = (x + row &* c, dy + row &* c, dx + row &* c)
                            for ch in 0..<c {
                                let xhat = (xRow[ch] - mean[ch]) * rstd[ch]
                                dxRow[ch] = a[ch] * dyRow[ch] + b[ch] * xhat + d[ch]
                            }
                        }
                    }
                }
            }
        }
    }
}
