/// The gradient of ``pool2dForward(_:options:)`` with respect to its input.
///
/// gradOutput is shaped like the forward output; the result is shaped like the forward input.
/// - Max: each window's gradient goes to its maximum, or its tied maxima, as
///   ``Pool2DOptions/maxTies`` says. Overlapping windows add up.
/// - Average: each window's gradient is spread over its input taps, divided by the same divisor
///   as the forward pass.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func pool2dBackward<T: ConvKitFloat>(_ gradOutput: Tensor<T>, cache: Pool2DCache<T>) throws -> Tensor<T> {
    let g = cache.geometry
    let layout = cache.options.layout
    let expected = g.outputShape(layout)
    guard gradOutput.shape == expected else {
        throw ConvKitError(
            "pool2dBackward",
            "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output had "
                + "\(shapeString(expected)) (input \(shapeString(cache.input.shape)))")
    }
    let options = cache.options
    if g.batch > 0 && options.algorithm == .fast && (options.mode == .average || options.maxTies != .first || cache.argmax != nil) {
        return pool2dBackwardFast(gradOutput, cache: cache, plan: PoolFastPlan(g, options: options), argmax: cache.argmax)
    }
    let threads = options.threads ?? ConvKitRuntime.threads
    let dx = pool2dBackwardReference(
        layout.activationToNHWC(gradOutput, threads: threads), x: layout.activationToNHWC(cache.input, threads: threads),
        geometry: g, options: cache.options)
    return layout.activationFromNHWC(dx, threads: threads)
}

/// The reference backward pass, written like the course's `pool_backward`.
///
/// dA is (N, P, Q, C), x is (N, H, W, C); the result is (N, H, W, C).
@_specialize(where T == Float)
@_specialize(where T == Double)
func pool2dBackwardReference<T: ConvKitFloat>(
    _ dA: Tensor<T>, x: Tensor<T>, geometry g: Pool2DGeometry, options: Pool2DOptions
) -> Tensor<T> {
    let c = g.channels
    var dx = [T](repeating: 0, count: x.count)
    for i in 0..<g.batch {
        for h in 0..<g.outputHeight {
            let rows = g.inputRows(window: h)
            for w in 0..<g.outputWidth {
                let columns = g.inputColumns(window: w)
                let taps = rows.flatMap { row in columns.map { ((i * g.inputHeight + row) * g.inputWidth + $0) * c } }
                let divisor = T(g.averageDivisor(p: h, q: w, options: options))
                for ch in 0..<c {
                    let gradient = dA.scalars[((i * g.outputHeight + h) * g.outputWidth + w) * c + ch]
                    switch options.mode {
                    case .max:
                        // in the forward pass this was: A = max(a_prev_slice), so now we have:
                        // dA_prev[slice] += mask * dA, the mask chosen by the tie policy
                        let values = taps.map { x.scalars[$0 + ch] }
                        let winners = maxTieWinners(values, policy: options.maxTies)
                        let share = options.maxTies == .splitEvenly ? gradient / T(winners.count) : gradient
                        for winner in winners { dx[taps[winner] + ch] += share }
                    case .average:
                        // in the forward pass this was: A = sum(a_prev_slice) / divisor, so now we have:
                        for tap in taps { dx[tap + ch] += gradient / divisor }
                    }
                }
            }
        }
    }
    return Tensor(uncheckedShape: x.shape, scalars: dx)
}

/// The positions in `values` that receive a max-pooling window's gradient: the first maximum,
/// or every tied maximum (NaN counts as the maximum and ties only with NaN).
func maxTieWinners<T: FloatingPoint>(_ values: [T], policy: MaxTiePolicy) -> [Int] {
    let (best, first) = firstMaximum(values.enumerated().map { ($0.element, $0.offset) })
    guard policy != .first else { return [first] }
    // the course's create_mask_from_window: mask = (x == np.max(x))
    return values.indices.filter { best.isNaN ? values[$0].isNaN : values[$0] == best }
}
