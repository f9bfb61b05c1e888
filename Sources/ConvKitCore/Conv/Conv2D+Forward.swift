/// A 2-d convolution (cross-correlation, as in every deep-learning library) with bias.
///
/// Shapes, with `G = options.groups`:
/// - `.nhwc`: input `[N, H, W, C]`, weight `[R, S, C/G, K]`, output `[N, P, Q, K]` (the course);
/// - `.nchw`: input `[N, C, H, W]`, weight `[K, C/G, R, S]`, output `[N, K, P, Q]` (cs231n, PyTorch);
/// - bias `[K]` or the course's `[1, 1, 1, K]`, or `nil`.
///
/// `output[n, p, q, k] = bias[k] + Σ_{r, s, c} xPadded[n, p·strideH + r·dilationH,
/// q·strideW + s·dilationW, g·C/G + c] · weight[r, s, c, k]` with `g = k / (K/G)`.
///
/// - Returns: the output and the cache ``conv2dBackward(_:cache:)`` needs.
/// - Throws: ``ConvKitError`` naming the argument and the shapes for any inconsistent input.
public func conv2dForward<T: ConvKitFloat>(
    _ input: Tensor<T>, weight: Tensor<T>, bias: Tensor<T>?, options: Conv2DOptions
) throws -> (output: Tensor<T>, cache: Conv2DCache<T>) {
    let geometry = try Conv2DGeometry(
        inputShape: input.shape, weightShape: weight.shape, biasShape: bias?.shape, options: options,
        elementBytes: MemoryLayout<T>.stride, function: "conv2dForward")
    let layout = options.layout
    if layout == .nchw, geometry.batch > 0, options.algorithm.runsFastKernels,
       let path = NCHWForward(geometry, bias: bias?.scalars, paddingMode: options.paddingMode, algorithm: options.algorithm) {
        let count = geometry.batch * geometry.outputChannels * geometry.outputHeight * geometry.outputWidth
        let threads = geometry.threads(options.threads)
        let out = [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.scalars.withUnsafeBufferPointer { x in
                withUnsafeBufferPointer(to: bias?.scalars) { bias in
                    switch path {
                    case .pointwise:
                        weight.scalars.withUnsafeBufferPointer { w in
                            conv2dForwardPointwiseNCHW(
                                x: x, weight: w, bias: bias, out: out, geometry: geometry, threads: threads, policy: .current)
                        }
                    case .winograd(let winograd):
                        layout.weightToRSCK(weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                            guard let x = x.baseAddress, let w = w.baseAddress, let out = out.baseAddress else { return }
                            winograd.run(
                                x: x, weight: w, bias: bias?.baseAddress, out: out, layout: .nchw, threads: threads, policy: .current)
                        }
                    case .implicitGEMM:
                        layout.weightToRSCK(weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                            conv2dForwardFast(
                                x: x, weight: w, bias: bias, out: out, outputLayout: .nchw, geometry: geometry,
                                paddingMode: options.paddingMode, threads: threads, algorithm: options.algorithm,
                                inputLayout: .nchw)
                        }
                    case .smallChannels(let plan):
                        layout.weightToRSCK(weight, threads: threads).scalars.withUnsafeBufferPointer { w in
                            guard let x = x.baseAddress, let w = w.baseAddress, let out = out.baseAddress else { return }
                            conv2dForwardSmallChannels(
                                x: x.asFloat, weight: w.asFloat, bias: bias?.baseAddress?.asFloat, out: out.asFloat,
                                outputLayout: .nchw, plan: plan, threads: threads)
                        }
                    }
                }
            }
            initialized = count
        }
        let cache = Conv2DCache(input: input, weight: weight, biasShape: bias?.shape, options: options, geometry: geometry)
        return (Tensor(uncheckedShape: geometry.outputShape(layout), scalars: out), cache)
    }
    let threads = geometry.threads(options.threads)
    let x = layout.activationToNHWC(input, threads: threads)
    let w = layout.weightToRSCK(weight, threads: threads)
    let outputNHWC: Tensor<T>
    // An empty batch is valid input: the reference loops run over nothing and return empty tensors.
    switch geometry.batch == 0 ? .reference : options.algorithm {
    case .reference:
        outputNHWC = conv2dForwardReference(
            x, weight: w, bias: bias?.scalars, geometry: geometry, paddingMode: options.paddingMode)
    case .loopFree:
        outputNHWC = conv2dForwardLoopFree(
            x, weight: w, bias: bias?.scalars, geometry: geometry, paddingMode: options.paddingMode,
            threads: threads)
    case .fast, .implicitGEMM, .winograd:
        let count = geometry.batch * geometry.outputHeight * geometry.outputWidth * geometry.outputChannels
        // The kernel writes every element, in the caller's layout: no need to zero the output
        // first, nor to convert it after.
        let out = [T](unsafeUninitializedCapacity: count) { out, initialized in
            x.scalars.withUnsafeBufferPointer { x in
                w.scalars.withUnsafeBufferPointer { w in
                    withUnsafeBufferPointer(to: bias?.scalars) { bias in
                        conv2dForwardFast(
                            x: x, weight: w, bias: bias, out: out, outputLayout: layout, geometry: geometry,
                            paddingMode: options.paddingMode, threads: threads,
                            algorithm: options.algorithm)
                    }
                }
            }
            initialized = count
        }
        let cache = Conv2DCache(
            input: input, weight: weight, biasShape: bias?.shape, options: options, geometry: geometry)
        return (Tensor(uncheckedShape: geometry.outputShape(layout), scalars: out), cache)
    }
    let cache = Conv2DCache(
        input: input, weight: weight, biasShape: bias?.shape, options: options, geometry: geometry)
    return (layout.activationFromNHWC(outputNHWC, threads: threads), cache)
}

/// The reference forward pass, a loop for loop copy of the course's `conv_forward`.
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; the result is (N, P, Q, K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dForwardReference<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, bias: [T]?, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> Tensor<T> {
    let xPad = pad2D(x, g.padding, mode: paddingMode)
    let (paddedHeight, paddedWidth) = (xPad.shape[1], xPad.shape[2])
    let (k, cg, kg) = (g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    var z = [T](repeating: 0, count: g.batch * g.outputHeight * g.outputWidth * k)
    var products = [T]()
    products.reserveCapacity(g.kernelHeight * g.kernelWidth * cg)
    for i in 0..<g.batch {
        for h in 0..<g.outputHeight {
            let vertStart = h * g.stride.height
            for w in 0..<g.outputWidth {
                let horizStart = w * g.stride.width
                for c in 0..<k {
                    let firstChannel = (c / kg) * cg
                    // conv_single_step: Z = np.sum(a_slice_prev * W[:, :, :, c]) + b[c], summed in numpy's order
                    products.removeAll(keepingCapacity: true)
                    for r in 0..<g.kernelHeight {
                        let row = vertStart + r * g.dilation.height
                        for s in 0..<g.kernelWidth {
                            let column = horizStart + s * g.dilation.width
                            let a = ((i * paddedHeight + row) * paddedWidth + column) * g.inputChannels + firstChannel
                            let wt = (r * g.kernelWidth + s) * cg * k + c
                            for ch in 0..<cg { products.append(xPad.scalars[a + ch] * weight.scalars[wt + ch * k]) }
                        }
                    }
                    z[((i * g.outputHeight + h) * g.outputWidth + w) * k + c] = pairwiseSum(products) + (bias?[c] ?? 0)
                }
            }
        }
    }
    return Tensor(uncheckedShape: [g.batch, g.outputHeight, g.outputWidth, k], scalars: z)
}
