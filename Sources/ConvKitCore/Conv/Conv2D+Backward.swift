/// The gradients of ``conv2dForward(_:weight:bias:options:)`` given the gradient of its output.
///
/// gradOutput is shaped like the forward output (`[N, P, Q, K]` or `[N, K, P, Q]`); the
/// gradients are shaped like the input, the weight and the bias of the forward pass.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func conv2dBackward<T: ConvKitFloat>(
    _ gradOutput: Tensor<T>, cache: Conv2DCache<T>
) throws -> Conv2DGradients<T> {
    try validateGradOutput(gradOutput, cache: cache, function: "conv2dBackward")
    let (weight, bias) = try conv2dBackwardWeight(gradOutput, cache: cache)
    return Conv2DGradients(input: try conv2dBackwardInput(gradOutput, cache: cache), weight: weight, bias: bias)
}

/// The gradient of a convolution's loss with respect to its input alone (PyTorch's
/// `conv2d_input`), shaped like the forward input.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func conv2dBackwardInput<T: ConvKitFloat>(_ gradOutput: Tensor<T>, cache: Conv2DCache<T>) throws -> Tensor<T> {
    try validateGradOutput(gradOutput, cache: cache, function: "conv2dBackwardInput")
    let (g, options) = (cache.geometry, cache.options)
    let layout = options.layout
    if layout == .nchw, g.batch > 0, options.algorithm.runsFastKernels,
       let path = NCHWBackwardData(g, paddingMode: options.paddingMode, algorithm: options.algorithm, scalar: T.self) {
        let count = g.batch * g.inputChannels * g.inputHeight * g.inputWidth
        let threads = g.threads(options.threads)
        let dx = [T](unsafeUninitializedCapacity: count) { dx, initialized in
            switch path {
            case .pointwise:
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    cache.weight.scalars.withUnsafeBufferPointer { w in
                        conv2dBackwardDataPointwiseNCHW(dy: dy, weight: w, dx: dx, geometry: g, threads: threads, policy: .current)
                    }
                }
            case .smallChannels(let plan):
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    layout.weightToRSCK(cache.weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                        guard let dy = dy.baseAddress, let w = w.baseAddress, let dx = dx.baseAddress else { return }
                        conv2dBackwardDataSmallChannels(
                            dy: dy.asFloat, weight: w.asFloat, dx: dx.asFloat, plan: plan, threads: threads, layout: .nchw)
                    }
                }
            case .winograd(let winograd):
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    layout.weightToRSCK(cache.weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                        guard let dy = dy.baseAddress, let w = w.baseAddress, let dx = dx.baseAddress else { return }
                        conv2dBackwardDataWinograd(
                            dy: dy, weight: w, dx: dx, winograd: winograd, layout: .nchw, threads: threads, policy: .current)
                    }
                }
            case .implicitGEMM:
                gradOutput.scalars.withUnsafeBufferPointer { dy in
                    layout.weightToRSCK(cache.weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                        guard let dy = dy.baseAddress, let w = w.baseAddress, let dx = dx.baseAddress else { return }
                        conv2dBackwardDataImages(dy: dy, weight: w, dx: dx, geometry: g, threads: threads, policy: .current)
                    }
                }
            }
            initialized = count
        }
        // Not cache.input's shape: a transposed convolution's cache holds no input.
        return Tensor(uncheckedShape: [g.batch, g.inputChannels, g.inputHeight, g.inputWidth], scalars: dx)
    }
    let threads = g.threads(options.threads)
    let dy = layout.activationToNHWC(gradOutput, threads: threads)
    let w = layout.weightToRSCK(cache.weight, threads: threads)
    let dx: Tensor<T>
    switch g.batch == 0 ? .reference : options.algorithm {
    case .reference:
        dx = conv2dBackwardReference(
            dy, x: layout.activationToNHWC(cache.input, threads: threads), weight: w, geometry: g,
            paddingMode: options.paddingMode).dx
    case .loopFree:
        dx = conv2dBackwardInputLoopFree(
            dy, weight: w, geometry: g, paddingMode: options.paddingMode, threads: threads)
    case .fast, .implicitGEMM, .winograd:
        let count = g.batch * g.inputHeight * g.inputWidth * g.inputChannels
        let out = [T](unsafeUninitializedCapacity: count) { out, initialized in
            dy.scalars.withUnsafeBufferPointer { dy in
                w.scalars.withUnsafeBufferPointer { w in
                    conv2dBackwardDataFast(
                        dy: dy, weight: w, dx: out, geometry: g, paddingMode: options.paddingMode,
                        threads: threads, algorithm: options.algorithm)
                }
            }
            initialized = count
        }
        dx = Tensor(uncheckedShape: [g.batch, g.inputHeight, g.inputWidth, g.inputChannels], scalars: out)
    }
    return layout.activationFromNHWC(dx, threads: threads)
}

/// The gradients of a convolution's loss with respect to its weight and bias (PyTorch's
/// `conv2d_weight`), shaped like the forward weight and bias (`nil` without bias).
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func conv2dBackwardWeight<T: ConvKitFloat>(
    _ gradOutput: Tensor<T>, cache: Conv2DCache<T>
) throws -> (weight: Tensor<T>, bias: Tensor<T>?) {
    try validateGradOutput(gradOutput, cache: cache, function: "conv2dBackwardWeight")
    let (g, options) = (cache.geometry, cache.options)
    let layout = options.layout
    // The fast path reads an NCHW dy in place (but for Winograd), and a pointwise convolution's NCHW x.
    let fast = layout == .nchw && options.algorithm.runsFastKernels && g.batch > 0
    let readsNCHW = fast
        ? weightGradientNCHWOperands(g, paddingMode: options.paddingMode, algorithm: options.algorithm, scalar: T.self)
        : (dy: false, x: false)
    let threads = g.threads(options.threads)
    let dy = readsNCHW.dy ? gradOutput : layout.activationToNHWC(gradOutput, threads: threads)
    let x = readsNCHW.x ? cache.input : layout.activationToNHWC(cache.input, threads: threads)
    let dw: Tensor<T>
    var db: [T]
    switch g.batch == 0 ? .reference : options.algorithm {
    case .reference:
        let w = layout.weightToRSCK(cache.weight, threads: threads)
        (_, dw, db) = conv2dBackwardReference(dy, x: x, weight: w, geometry: g, paddingMode: options.paddingMode)
    case .loopFree:
        (dw, db) = conv2dBackwardWeightLoopFree(
            dy, x: x, geometry: g, paddingMode: options.paddingMode, threads: threads)
    case .fast, .implicitGEMM, .winograd:
        var weight = [T](repeating: 0, count: g.kernelHeight * g.kernelWidth * g.inputChannelsPerGroup * g.outputChannels)
        db = [T](repeating: 0, count: g.outputChannels)
        x.scalars.withUnsafeBufferPointer { x in
            dy.scalars.withUnsafeBufferPointer { dy in
                weight.withUnsafeMutableBufferPointer { dw in
                    db.withUnsafeMutableBufferPointer { db in
                        conv2dBackwardWeightsFast(
                            x: x, dy: dy, dw: dw, db: db, geometry: g, paddingMode: options.paddingMode,
                            threads: threads, algorithm: options.algorithm,
                            dyLayout: readsNCHW.dy ? .nchw : .nhwc, xLayout: readsNCHW.x ? .nchw : .nhwc)
                    }
                }
            }
        }
        dw = Tensor(uncheckedShape: [g.kernelHeight, g.kernelWidth, g.inputChannelsPerGroup, g.outputChannels], scalars: weight)
    }
    return (layout.weightFromRSCK(dw, threads: threads), cache.biasShape.map { Tensor(uncheckedShape: $0, scalars: db) })
}

private func validateGradOutput<T: ConvKitFloat>(_ gradOutput: Tensor<T>, cache: Conv2DCache<T>, function: String) throws {
    let expected = cache.geometry.outputShape(cache.options.layout)
    guard gradOutput.shape == expected else {
        throw ConvKitError(
            function,
            "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output had \(shapeString(expected)) "
                + "(input \(shapeString(cache.input.shape)), weight \(shapeString(cache.weight.shape)))")
    }
}

/// The reference backward pass, a loop for loop copy of the course's `conv_backward`.
///
/// dz is (N, P, Q, K), x is (N, H, W, C), weight is (R, S, C/G, K); returns dx (N, H, W, C),
/// dw (R, S, C/G, K) and db (K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardReference<T: ConvKitFloat>(
    _ dz: Tensor<T>, x: Tensor<T>, weight: Tensor<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> (dx: Tensor<T>, dw: Tensor<T>, db: [T]) {
    let xPad = pad2D(x, g.padding, mode: paddingMode)
    let (paddedHeight, paddedWidth) = (xPad.shape[1], xPad.shape[2])
    let (k, cg, kg) = (g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    var dxPad = [T](repeating: 0, count: xPad.count)
    var dw = [T](repeating: 0, count: weight.count)
    var db = [T](repeating: 0, count: k)
    for i in 0..<g.batch {
        for h in 0..<g.outputHeight {
            let vertStart = h * g.stride.height
            for w in 0..<g.outputWidth {
                let horizStart = w * g.stride.width
                for c in 0..<k {
                    let firstChannel = (c / kg) * cg
                    let gradient = dz.scalars[((i * g.outputHeight + h) * g.outputWidth + w) * k + c]
                    for r in 0..<g.kernelHeight {
                        let row = vertStart + r * g.dilation.height
                        for s in 0..<g.kernelWidth {
                            let column = horizStart + s * g.dilation.width
                            let a = ((i * paddedHeight + row) * paddedWidth + column) * g.inputChannels + firstChannel
                            let wt = (r * g.kernelWidth + s) * cg * k + c
                            for ch in 0..<cg {
                                // in the forward pass this was: Z[i, h, w, c] += a_slice[r, s, ch] * W[r, s, ch, c]
                                // so now we have:
                                dxPad[a + ch] += weight.scalars[wt + ch * k] * gradient
                                dw[wt + ch * k] += xPad.scalars[a + ch] * gradient
                            }
                        }
                    }
                    // in the forward pass this was: Z[i, h, w, c] += b[c]
                    db[c] += gradient
                }
            }
        }
    }
    let dx = pad2DBackward(
        Tensor(uncheckedShape: xPad.shape, scalars: dxPad), g.padding, mode: paddingMode,
        height: g.inputHeight, width: g.inputWidth)
    return (dx, Tensor(uncheckedShape: weight.shape, scalars: dw), db)
}
