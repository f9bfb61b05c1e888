extension PaddingMode {
    /// The input index that padded position `padded` reads, along an axis of `size` elements with
    /// `before` pads in front; `nil` where the padding is a zero.
    ///
    /// The pads must satisfy ``validate(_:height:width:function:shapes:)``.
    func sourceIndex(_ padded: Int, before: Int, size: Int) -> Int? {
        let i = padded - before
        if i >= 0 && i < size { return i }
        switch self {
        case .zeros: return nil
        case .reflect: return i < 0 ? -i : 2 * (size - 1) - i
        case .replicate: return i < 0 ? 0 : size - 1
        case .circular: return (i % size + size) % size
        }
    }
}

/// Pads the height and width axes of an NHWC tensor: the course's `np.pad` step, generalised to
/// four explicit pads and every ``PaddingMode``.
///
/// x is (N, H, W, C); the result is (N, H + top + bottom, W + left + right, C).
func pad2D<T: Numeric & Sendable>(_ x: Tensor<T>, _ pad: ResolvedPadding, mode: PaddingMode) -> Tensor<T> {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let paddedHeight = h + pad.top + pad.bottom
    let paddedWidth = w + pad.left + pad.right
    var out = [T](repeating: 0, count: n * paddedHeight * paddedWidth * c)
    for i in 0..<n {
        for ph in 0..<paddedHeight {
            guard let sh = mode.sourceIndex(ph, before: pad.top, size: h) else { continue }
            for pw in 0..<paddedWidth {
                guard let sw = mode.sourceIndex(pw, before: pad.left, size: w) else { continue }
                let source = ((i * h + sh) * w + sw) * c
                let target = ((i * paddedHeight + ph) * paddedWidth + pw) * c
                for ch in 0..<c { out[target + ch] = x.scalars[source + ch] }
            }
        }
    }
    return Tensor(uncheckedShape: [n, paddedHeight, paddedWidth, c], scalars: out)
}

/// The gradient of ``pad2D(_:_:mode:)``: every padded position's gradient flows back to the input
/// element it copied (nowhere, for zeros).
///
/// gradPadded is (N, H + top + bottom, W + left + right, C); the result is (N, H, W, C).
func pad2DBackward<T: Numeric & Sendable>(
    _ gradPadded: Tensor<T>, _ pad: ResolvedPadding, mode: PaddingMode, height h: Int, width w: Int
) -> Tensor<T> {
    let (n, paddedHeight, paddedWidth, c) =
        (gradPadded.shape[0], gradPadded.shape[1], gradPadded.shape[2], gradPadded.shape[3])
    var out = [T](repeating: 0, count: n * h * w * c)
    for i in 0..<n {
        for ph in 0..<paddedHeight {
            guard let sh = mode.sourceIndex(ph, before: pad.top, size: h) else { continue }
            for pw in 0..<paddedWidth {
                guard let sw = mode.sourceIndex(pw, before: pad.left, size: w) else { continue }
                // in the forward pass this was: padded[i, ph, pw, :] = x[i, sh, sw, :]
                let source = ((i * paddedHeight + ph) * paddedWidth + pw) * c
                let target = ((i * h + sh) * w + sw) * c
                for ch in 0..<c { out[target + ch] += gradPadded.scalars[source + ch] }
            }
        }
    }
    return Tensor(uncheckedShape: [n, h, w, c], scalars: out)
}
