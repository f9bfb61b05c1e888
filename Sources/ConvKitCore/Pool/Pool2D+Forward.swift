/// 2-d max or average pooling.
///
/// Shapes: input `[N, H, W, C]` (`.nhwc`) or `[N, C, H, W]` (`.nchw`); output `[N, P, Q, C]` or
/// `[N, C, P, Q]` (see ``Pool2DOptions`` for `P` and `Q`).
/// - Max: the largest input element under each window; padding is never selected, and a NaN
///   in a window is its maximum (PyTorch's rule).
/// - Average: the window's sum of input elements over a divisor set by
///   ``Pool2DOptions/divisorOverride`` or ``Pool2DOptions/countIncludePad``.
///
/// - Returns: the output and the cache ``pool2dBackward(_:cache:)`` needs; with
///   `returnIndices`, `cache.indices` holds each maximum's flat position `h · W + w`.
/// - Throws: ``ConvKitError`` naming the argument and the shapes for any inconsistent input.
public func pool2dForward<T: ConvKitFloat>(
    _ input: Tensor<T>, options: Pool2DOptions
) throws -> (output: Tensor<T>, cache: Pool2DCache<T>) {
    let geometry = try Pool2DGeometry(
        inputShape: input.shape, options: options, elementBytes: MemoryLayout<T>.stride, function: "pool2dForward")
    let layout = options.layout
    // An empty batch is valid input: the reference loops run over nothing and return empty tensors.
    switch geometry.batch == 0 ? .reference : options.algorithm {
    case .reference:
        let threads = options.threads ?? ConvKitRuntime.threads
        let (output, indices) = pool2dForwardReference(
            layout.activationToNHWC(input, threads: threads), geometry: geometry, options: options)
        let cache = Pool2DCache(
            input: input, options: options, geometry: geometry,
            indices: options.returnIndices ? layout.activationFromNHWC(indices, threads: threads) : nil, argmax: nil)
        return (layout.activationFromNHWC(output, threads: threads), cache)
    case .fast:
        let plan = PoolFastPlan(geometry, options: options)
        let keepsArgmax = options.mode == .max && options.maxTies == .first
        let (output, argmax) = pool2dForwardFast(
            input, plan: plan, layout: layout, storeArgmax: keepsArgmax || options.returnIndices)
        let cache = Pool2DCache(
            input: input, options: options, geometry: geometry,
            indices: options.returnIndices ? argmax.map { poolIndices($0, plan: plan, layout: layout) } : nil,
            argmax: keepsArgmax ? argmax : nil)
        return (output, cache)
    }
}

/// 2-d max or average pooling for inference: the output of ``pool2dForward(_:options:)``, bit
/// for bit, without the cache a backward pass needs.
///
/// Max pooling then finds each window's maximum without recording which tap holds it, which a
/// forward pass with no backward pass to follow does not need (on the benchmark suite's
/// max-pooling layers that record took 5–20 % of the time).
///
/// - Throws: ``ConvKitError`` as ``pool2dForward(_:options:)`` does, and for `returnIndices`
///   (the indices come with ``pool2dForward(_:options:)``'s cache).
public func pool2d<T: ConvKitFloat>(_ input: Tensor<T>, options: Pool2DOptions) throws -> Tensor<T> {
    let geometry = try Pool2DGeometry(
        inputShape: input.shape, options: options, elementBytes: MemoryLayout<T>.stride, function: "pool2d")
    if options.returnIndices {
        throw ConvKitError("pool2d", "returnIndices needs pool2dForward, whose cache holds the indices")
    }
    guard geometry.batch > 0, options.algorithm == .fast else { return try pool2dForward(input, options: options).output }
    let plan = PoolFastPlan(geometry, options: options)
    return pool2dForwardFast(input, plan: plan, layout: options.layout, storeArgmax: false).output
}

/// The reference forward pass, written like the course's `pool_forward`.
///
/// x is (N, H, W, C); returns the output (N, P, Q, C) and, for max pooling, the flat
/// index `h · W + w` of each maximum (N, P, Q, C).
@_specialize(where T == Float)
@_specialize(where T == Double)
func pool2dForwardReference<T: ConvKitFloat>(
    _ x: Tensor<T>, geometry g: Pool2DGeometry, options: Pool2DOptions
) -> (output: Tensor<T>, indices: Tensor<Int>) {
    let c = g.channels
    let outputCount = g.batch * g.outputHeight * g.outputWidth * c
    var a = [T](repeating: 0, count: outputCount)
    var indices = [Int](repeating: 0, count: options.mode == .max ? outputCount : 0)
    for i in 0..<g.batch {
        for h in 0..<g.outputHeight {
            let rows = g.inputRows(window: h)
            for w in 0..<g.outputWidth {
                let columns = g.inputColumns(window: w)
                let divisor = T(g.averageDivisor(p: h, q: w, options: options))
                for ch in 0..<c {
                    let out = ((i * g.outputHeight + h) * g.outputWidth + w) * c + ch
                    let taps = rows.lazy.flatMap { row in columns.lazy.map { (row, $0) } }
                    let value = { (row: Int, column: Int) in x.scalars[((i * g.inputHeight + row) * g.inputWidth + column) * c + ch] }
                    switch options.mode {
                    case .max:
                        // A[i, h, w, c] = np.max(a_prev_slice)
                        let (best, position) = firstMaximum(taps.map { (value($0.0, $0.1), $0.0 * g.inputWidth + $0.1) })
                        a[out] = best
                        indices[out] = position
                    case .average:
                        // A[i, h, w, c] = np.mean(a_prev_slice), summed in numpy's order
                        a[out] = pairwiseSum(taps.map { value($0.0, $0.1) }) / divisor
                    }
                }
            }
        }
    }
    let shape = [g.batch, g.outputHeight, g.outputWidth, c]
    return (Tensor(uncheckedShape: shape, scalars: a),
            Tensor(uncheckedShape: options.mode == .max ? shape : [0], scalars: indices))
}

/// The first maximum of (value, position) pairs in order; a NaN beats every number.
/// The sequence must not be empty (every pooling window touches the input).
func firstMaximum<T: FloatingPoint, S: Sequence<(T, Int)>>(_ candidates: S) -> (T, Int) {
    var best: (T, Int)? = nil
    for candidate in candidates {
        guard let current = best else { best = candidate; continue }
        if candidate.0 > current.0 || (candidate.0.isNaN && !current.0.isNaN) { best = candidate }
    }
    return best ?? (.nan, 0)
}
