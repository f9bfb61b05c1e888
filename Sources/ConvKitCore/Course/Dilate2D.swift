/// Inserts `rate − 1` zeros between neighbours along the last two axes: the "dilation" step of
/// the loop-free backward derivation.
///
/// x is `(…, H, W)` (a matrix, or a batch with channels such as `(N, C, H, W)`); the result is
/// `(…, (H − 1)·rate.height + 1, (W − 1)·rate.width + 1)` with `out[…, i·rh, j·rw] = x[…, i, j]`.
///
/// - Throws: ``ConvKitError`` when x has fewer than two axes, an empty one, or a rate below 1.
public func dilate2D<T: AdditiveArithmetic & Sendable>(_ x: Tensor<T>, rate: Size2D) throws -> Tensor<T> {
    guard x.rank >= 2, x.shape[x.rank - 2] >= 1, x.shape[x.rank - 1] >= 1 else {
        throw ConvKitError(
            "dilate2D", "x must have at least two non-empty axes (…, H, W), got shape \(shapeString(x.shape))")
    }
    try rate.validatePositive("rate", function: "dilate2D")
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let (dh, dw) = ((h - 1) * rate.height + 1, (w - 1) * rate.width + 1)
    let planes = x.count / (h * w)
    var out = [T](repeating: .zero, count: planes * dh * dw)
    for plane in 0..<planes {
        for i in 0..<h {
            for j in 0..<w {
                out[(plane * dh + i * rate.height) * dw + j * rate.width] = x.scalars[(plane * h + i) * w + j]
            }
        }
    }
    return Tensor(uncheckedShape: Array(x.shape.dropLast(2)) + [dh, dw], scalars: out)
}

/// A kernel rotated by 180° (flipped along both spatial axes), as the loop-free derivation's
/// backward-data convolution needs.
///
/// A rank-2 tensor `(R, S)` flips both axes; a rank-4 weight flips its `R` and `S` axes:
/// `(R, S, C, K)` for `.nhwc`, `(K, C, R, S)` for `.nchw`.
///
/// - Throws: ``ConvKitError`` for any other rank.
public func rotate180<T: Sendable>(_ kernel: Tensor<T>, layout: TensorLayout = .nhwc) throws -> Tensor<T> {
    let axes: (Int, Int)
    switch (kernel.rank, layout) {
    case (2, _): axes = (0, 1)
    case (4, .nhwc): axes = (0, 1)
    case (4, .nchw): axes = (2, 3)
    default:
        throw ConvKitError(
            "rotate180", "kernel must have rank 2 or 4, got shape \(shapeString(kernel.shape))")
    }
    let shape = kernel.shape
    let strides = kernel.strides
    var out = kernel.scalars
    for flat in 0..<kernel.count {
        let r = flat / strides[axes.0] % shape[axes.0]
        let s = flat / strides[axes.1] % shape[axes.1]
        let source = flat + (shape[axes.0] - 1 - 2 * r) * strides[axes.0] + (shape[axes.1] - 1 - 2 * s) * strides[axes.1]
        out[flat] = kernel.scalars[source]
    }
    return Tensor(uncheckedShape: shape, scalars: out)
}
