/// The gradients of ``conv2dForward(_:weight:bias:options:)`` given the gradient of its output.
///
/// gradOutput is shaped like the forward output (`[N, P, Q, K]` or `[N, K, P, Q]`); the
/// gradients are shaped like the input, the weight and the bias of the forward pass.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func conv2dBackward<T: ConvKitFloat>(
    _ gradOutput: Tensor<T>, cache: Conv2DCache<T>
) throws -> Conv2DGradients<T> {
    let g = cache.geometry
    let layout = cache.options.layout
    let expected = g.outputShape(layout)
    guard gradOutput.shape == expected else {
        throw ConvKitError(
            "conv2dBackward",
            "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output had \(shapeString(expected)) "
                + "(input \(shapeString(cache.input.shape)), weight \(shapeString(cache.weight.shape)))")
    }
    let (dx, dw, db) = conv2dBackwardReference(
        layout.activationToNHWC(gradOutput), x: layout.activationToNHWC(cache.input),
        weight: layout.weightToRSCK(cache.weight), geometry: g, paddingMode: cache.options.paddingMode)
    return Conv2DGradients(
        input: layout.activationFromNHWC(dx), weight: layout.weightFromRSCK(dw),
        bias: cache.biasShape.map { Tensor(uncheckedShape: $0, scalars: db) })
}

/// The reference backward pass, a loop for loop copy of the course's `conv_backward`.
///
/// dz is (N, P, Q, K), x is (N, H, W, C), weight is (R, S, C/G, K); returns dx (N, H, W, C),
/// dw (R, S, C/G, K) and db (K).
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
