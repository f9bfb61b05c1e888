/// The loop-free derivation of the convolution, as whole-tensor steps: pad, dilate, rotate,
/// im2col, one matrix product per group. Every intermediate is materialised, as numpy would;
/// `convkit bench --algorithm loopFree` shows what that costs next to the fast path.

/// Every window of an NHWC tensor as one row of a matrix: row `(n, p, q)`, column `(r, s, c)`
/// holds `x[n, p·positionStride.h + r·tapStride.h, q·positionStride.w + s·tapStride.w, c]` for
/// the channels `channels`. x is (N, Hx, Wx, C); the result is (N·P·Q) × (R·S·channels.count).
private func im2col<T: ConvKitFloat>(
    _ x: Tensor<T>, positions: Size2D, window: Size2D, positionStride: Size2D, tapStride: Size2D,
    channels: Range<Int>
) -> [T] {
    let (n, hx, wx, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let columns = window.height * window.width * channels.count
    var out = [T](repeating: 0, count: n * positions.height * positions.width * columns)
    var row = 0
    for i in 0..<n {
        for p in 0..<positions.height {
            for q in 0..<positions.width {
                var column = row * columns
                for r in 0..<window.height {
                    let h = p * positionStride.height + r * tapStride.height
                    for s in 0..<window.width {
                        let w = q * positionStride.width + s * tapStride.width
                        let source = ((i * hx + h) * wx + w) * c
                        for ch in channels {
                            out[column] = x.scalars[source + ch]
                            column += 1
                        }
                    }
                }
                row += 1
            }
        }
    }
    return out
}

/// Inserts `stride − 1` zeros between the rows and the columns of an NHWC tensor (the course's
/// `dilate2D` applied to the spatial axes). dy is (N, P, Q, K); the result is
/// (N, (P − 1)·sh + 1, (Q − 1)·sw + 1, K).
private func dilateNHWC<T: ConvKitFloat>(_ dy: Tensor<T>, stride: Size2D) -> Tensor<T> {
    let (n, p, q, k) = (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3])
    let (dh, dw) = ((p - 1) * stride.height + 1, (q - 1) * stride.width + 1)
    var out = [T](repeating: 0, count: n * dh * dw * k)
    for i in 0..<n {
        for a in 0..<p {
            for b in 0..<q {
                let target = ((i * dh + a * stride.height) * dw + b * stride.width) * k
                let source = ((i * p + a) * q + b) * k
                for ch in 0..<k { out[target + ch] = dy.scalars[source + ch] }
            }
        }
    }
    return Tensor(uncheckedShape: [n, dh, dw, k], scalars: out)
}

/// `C (m × n, row stride ldc, starting at column offset) = A (m × depth) · B`, B read from a
/// row-major matrix with `ldb` elements per row starting at `bOffset`.
private func multiply<T: ConvKitFloat>(
    _ a: [T], _ b: [T], bOffset: Int, ldb: Int, into c: inout [T], cOffset: Int, ldc: Int,
    m: Int, n: Int, depth: Int, threads: Int
) {
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                matrixMultiply(
                    m: m, n: n, depth: depth, a: MatrixOperand(base: a, leadingDimension: depth, transposed: false),
                    b: MatrixOperand(base: b + bOffset, leadingDimension: ldb, transposed: false),
                    c: c + cOffset, ldc: ldc, accumulate: false, threads: threads)
            }
        }
    }
}

/// The loop-free forward pass: `Z = im2col(pad(x)) · W` per group, plus the bias.
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; the result is (N, P, Q, K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dForwardLoopFree<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, bias: [T]?, geometry g: Conv2DGeometry, paddingMode: PaddingMode,
    threads: Int
) -> Tensor<T> {
    let (k, cg, kg) = (g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let rows = g.batch * g.outputHeight * g.outputWidth
    let xPad = pad2D(x, g.padding, mode: paddingMode)
    var z = [T](repeating: 0, count: rows * k)
    for group in 0..<g.groups {
        let columns = im2col(
            xPad, positions: Size2D(g.outputHeight, g.outputWidth), window: Size2D(g.kernelHeight, g.kernelWidth),
            positionStride: g.stride, tapStride: g.dilation, channels: group * cg ..< (group + 1) * cg)
        multiply(
            columns, weight.scalars, bOffset: group * kg, ldb: k, into: &z, cOffset: group * kg, ldc: k,
            m: rows, n: kg, depth: g.kernelHeight * g.kernelWidth * cg, threads: threads)
    }
    if let bias {
        for i in z.indices { z[i] += bias[i % k] }
    }
    return Tensor(uncheckedShape: [g.batch, g.outputHeight, g.outputWidth, k], scalars: z)
}

/// The loop-free input gradient: a stride-1 convolution of the dilated, fully padded output
/// gradient with the 180°-rotated kernel (input and output channels swapped).
///
/// In the forward pass this was: `Z = conv(xPad, W, stride)`, so now we have
/// `dxPad = conv(pad(dilate(dZ, stride), effective − 1), rotate180(W)ᵀ, stride 1)`, then the
/// padding's gradient folded back into the input. dy is (N, P, Q, K), weight is (R, S, C/G, K);
/// the result is (N, H, W, C).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardInputLoopFree<T: ConvKitFloat>(
    _ dy: Tensor<T>, weight: Tensor<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int
) -> Tensor<T> {
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let (r, s) = (g.kernelHeight, g.kernelWidth)
    let effectiveHeight = g.dilation.height * (r - 1) + 1
    let effectiveWidth = g.dilation.width * (s - 1) + 1
    let paddedHeight = g.inputHeight + g.padding.top + g.padding.bottom
    let paddedWidth = g.inputWidth + g.padding.left + g.padding.right
    // Rows and columns of the padded input that no window reached get no gradient: pad past them.
    let extraHeight = paddedHeight - ((g.outputHeight - 1) * g.stride.height + effectiveHeight)
    let extraWidth = paddedWidth - ((g.outputWidth - 1) * g.stride.width + effectiveWidth)
    let dyPad = pad2D(
        dilateNHWC(dy, stride: g.stride),
        ResolvedPadding(
            top: effectiveHeight - 1, bottom: effectiveHeight - 1 + extraHeight,
            left: effectiveWidth - 1, right: effectiveWidth - 1 + extraWidth),
        mode: .zeros)
    let rotated = (try? rotate180(weight)) ?? weight
    var dxPad = [T](repeating: 0, count: g.batch * paddedHeight * paddedWidth * c)
    for group in 0..<g.groups {
        // The rotated kernel with its channels swapped: row (r, s, k), column c.
        var swapped = [T](repeating: 0, count: r * s * kg * cg)
        for tap in 0..<(r * s) {
            for kk in 0..<kg {
                for ch in 0..<cg { swapped[(tap * kg + kk) * cg + ch] = rotated.scalars[(tap * cg + ch) * k + group * kg + kk] }
            }
        }
        let columns = im2col(
            dyPad, positions: Size2D(paddedHeight, paddedWidth), window: Size2D(r, s), positionStride: 1,
            tapStride: g.dilation, channels: group * kg ..< (group + 1) * kg)
        multiply(
            columns, swapped, bOffset: 0, ldb: cg, into: &dxPad, cOffset: group * cg, ldc: c,
            m: g.batch * paddedHeight * paddedWidth, n: cg, depth: r * s * kg, threads: threads)
    }
    return pad2DBackward(
        Tensor(uncheckedShape: [g.batch, paddedHeight, paddedWidth, c], scalars: dxPad), g.padding,
        mode: paddingMode, height: g.inputHeight, width: g.inputWidth)
}

/// The loop-free weight gradient: a convolution of the padded input with the dilated output
/// gradient as the kernel, whose stride is the forward pass's dilation.
///
/// In the forward pass this was: `Z[n, p, q, k] = Σ xPad[n, p·sh + r·dh, q·sw + s·dw, c] · W[r, s, c, k]`,
/// so now we have `dW[r, s, c, k] = Σ_{n, u, v} xPad[n, r·dh + u, s·dw + v, c] · dilate(dZ)[n, u, v, k]`.
/// dy is (N, P, Q, K), x is (N, H, W, C); returns dw (R, S, C/G, K) and db (K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardWeightLoopFree<T: ConvKitFloat>(
    _ dy: Tensor<T>, x: Tensor<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int
) -> (Tensor<T>, [T]) {
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let (r, s) = (g.kernelHeight, g.kernelWidth)
    let xPad = pad2D(x, g.padding, mode: paddingMode)
    let dyDilated = dilateNHWC(dy, stride: g.stride)
    let (hp, wp) = (xPad.shape[1], xPad.shape[2])
    let (dh, dw) = (dyDilated.shape[1], dyDilated.shape[2])
    let depth = g.batch * dh * dw
    var gradient = [T](repeating: 0, count: r * s * cg * k)
    for group in 0..<g.groups {
        // Row (r, s, c), column (n, u, v): the input under tap (r, s) of the dilated gradient's window.
        var windows = [T](repeating: 0, count: r * s * cg * depth)
        for rr in 0..<r {
            for ss in 0..<s {
                for ch in 0..<cg {
                    var column = ((rr * s + ss) * cg + ch) * depth
                    for n in 0..<g.batch {
                        for u in 0..<dh {
                            let row = (n * hp + rr * g.dilation.height + u) * wp + ss * g.dilation.width
                            for v in 0..<dw {
                                windows[column] = xPad.scalars[(row + v) * c + group * cg + ch]
                                column += 1
                            }
                        }
                    }
                }
            }
        }
        multiply(
            windows, dyDilated.scalars, bOffset: group * kg, ldb: k, into: &gradient, cOffset: group * kg, ldc: k,
            m: r * s * cg, n: kg, depth: depth, threads: threads)
    }
    // in the forward pass this was: Z += b, so now we have: db = Σ dZ over n, p, q
    let db = (try? dy.sum(axes: [0, 1, 2]).scalars) ?? [T](repeating: 0, count: k)
    return (Tensor(uncheckedShape: [r, s, cg, k], scalars: gradient), db)
}
