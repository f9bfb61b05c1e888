import ConvKitCore
/// A fully connected layer: `y = x · weight + bias`, on ConvKit's packed matrix multiply.
///
/// Shapes: input `[N, D]`, weight `[D, K]` (K = `units`), bias `[K]`, output `[N, K]`.
/// An image must be flattened first (``Flatten``).
///
/// Parameters: `"weight"` `[D, K]` and, with a bias, `"bias"` `[K]`.
public struct Dense<Scalar: ConvKitFloat>: WeightAndBiasLayer {
    /// The number of outputs K.
    public let units: Int
    /// Whether the layer adds a bias.
    public let hasBias: Bool
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]

    /// The weight, `[D, K]`.
    public var weight: Tensor<Scalar>
    /// The bias, `[K]` (empty `[0]` without bias).
    public var bias: Tensor<Scalar>
    /// ∂L/∂weight accumulated since the last ``zeroGradients()``, `[D, K]`.
    public var weightGradient: Tensor<Scalar>
    /// ∂L/∂bias accumulated since the last ``zeroGradients()``, `[K]`.
    public var biasGradient: Tensor<Scalar>

    /// The forward input, kept for the weight gradient.
    private var cachedInput: Tensor<Scalar>?

    /// A dense layer for samples of `inputShape` (`[D]`), with zero weight and bias.
    ///
    /// - Throws: ``ConvKitError`` when `inputShape` is not `[D]` with `D ≥ 1` or `units < 1`.
    public init(inputShape: [Int], units: Int, bias: Bool = true) throws {
        guard inputShape.count == 1, inputShape[0] >= 1 else {
            throw ConvKitError(
                "Dense", "input must be flat [D], got \(shapeString(inputShape)); put a flatten or globalavgpool before dense")
        }
        guard units >= 1 else { throw ConvKitError("Dense", "units must be at least 1, got \(units)") }
        self.units = units
        self.hasBias = bias
        self.inputShape = inputShape
        self.outputShape = [units]
        self.weight = try Tensor(zeros: [inputShape[0], units])
        self.bias = try Tensor(zeros: [bias ? units : 0])
        self.weightGradient = weight
        self.biasGradient = self.bias
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .dense(units: units, bias: hasBias) }

    // x is (N, D), weight is (D, K), bias is (K); y is (N, K)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        let n = try checkInput(input)
        let (d, k) = (inputShape[0], units)
        let output = try Tensor<Scalar>.filled(shape: [n, k]) { y in
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    bias.scalars.withUnsafeBufferPointer { b in
                        denseForward(y: y, x: x.baseAddress, weight: w.baseAddress, bias: hasBias ? b.baseAddress : nil,
                                     n: n, d: d, k: k)
                    }
                }
            }
        }
        cachedInput = input
        return output
    }

    // dy is (N, K); dx is (N, D), dweight is (D, K), dbias is (K)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let input = cachedInput else { throw missingForward }
        let n = input.shape[0]
        try checkGradOutput(gradOutput, batch: n)
        let (d, k) = (inputShape[0], units)
        let threads = ConvKitRuntime.threads
        var dx: Tensor<Scalar>?
        try gradOutput.scalars.withUnsafeBufferPointer { dyBuffer in
            guard let dy = dyBuffer.baseAddress else { return }
            input.scalars.withUnsafeBufferPointer { xBuffer in
                guard let x = xBuffer.baseAddress else { return }
                // in the forward pass this was: y[n, k] += x[n, d] · weight[d, k]
                // so now we have: dweight[d, k] += Σ_n x[n, d] · dy[n, k], i.e. dweight += xᵀ · dy
                weightGradient.scalars.withUnsafeMutableBufferPointer { dw in
                    guard let dw = dw.baseAddress else { return }
                    matrixMultiply(
                        m: d, n: k, depth: n, a: MatrixOperand(base: x, leadingDimension: d, transposed: true),
                        b: MatrixOperand(base: dy, leadingDimension: k, transposed: false),
                        c: dw, ldc: k, accumulate: true, threads: threads)
                }
                // in the forward pass this was: y[n, k] += bias[k]
                // so now we have: dbias[k] += Σ_n dy[n, k]
                if hasBias {
                    biasGradient.scalars.withUnsafeMutableBufferPointer { db in
                        guard let db = db.baseAddress else { return }
                        for row in 0..<n {
                            let dyRow = dy + row * k
                            for j in 0..<k { db[j] += dyRow[j] }
                        }
                    }
                }
            }
            guard needsInputGradient else { return }
            // and: dx[n, d] += Σ_k dy[n, k] · weight[d, k], i.e. dx = dy · weightᵀ
            dx = try Tensor<Scalar>.filled(shape: [n, d]) { dxPointer in
                weight.scalars.withUnsafeBufferPointer { w in
                    guard let w = w.baseAddress else { return }
                    matrixMultiply(
                        m: n, n: d, depth: k, a: MatrixOperand(base: dy, leadingDimension: k, transposed: false),
                        b: MatrixOperand(base: w, leadingDimension: k, transposed: true),
                        c: dxPointer, ldc: d, accumulate: false, threads: threads)
                }
            }
        }
        cachedInput = nil
        return dx
    }

    /// Draws the initial weights (see ``Layer/initializeParameters(_:rng:)``).
    public mutating func initializeParameters(_ scheme: WeightInitialization, rng: inout NumPyRandomState) throws {
        weight = try scheme.weight(shape: weight.shape, fanIn: inputShape[0], fanOut: units, rng: &rng)
        zeroFill(&bias)
    }
}

/// The dense forward kernel: y = x · weight (+ bias), every element of y written.
///
/// x is (N, D), weight is (D, K), bias is (K) or nil; y is (N, K)
@_specialize(where T == Float)
@_specialize(where T == Double)
func denseForward<T: ConvKitFloat>(
    y: UnsafeMutablePointer<T>, x: UnsafePointer<T>?, weight: UnsafePointer<T>?, bias: UnsafePointer<T>?,
    n: Int, d: Int, k: Int
) {
    guard let x, let weight else { return }
    // y[n, k] = bias[k] (or 0), then y += x · weight
    for row in 0..<n {
        let yRow = y + row * k
        if let bias { yRow.initialize(from: bias, count: k) } else { yRow.initialize(repeating: 0, count: k) }
    }
    matrixMultiply(
        m: n, n: k, depth: d, a: MatrixOperand(base: x, leadingDimension: d, transposed: false),
        b: MatrixOperand(base: weight, leadingDimension: k, transposed: false),
        c: y, ldc: k, accumulate: true, threads: ConvKitRuntime.threads)
}
