/// The course's `zero_pad`: pads the height and width of a batch of images with zeros.
///
/// X is `(m, n_H, n_W, n_C)`; the result is `(m, n_H + 2·pad, n_W + 2·pad, n_C)`, like
/// `np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode='constant')`.
///
/// - Throws: ``ConvKitError`` when X is not rank 4 or `pad` is negative.
public func zeroPad<T: Numeric & Sendable>(_ X: Tensor<T>, pad: Int) throws -> Tensor<T> {
    guard X.rank == 4 else {
        throw ConvKitError("zeroPad", "X must have rank 4 (m, n_H, n_W, n_C), got shape \(shapeString(X.shape))")
    }
    guard pad >= 0 else {
        throw ConvKitError("zeroPad", "pad must not be negative, got \(pad)")
    }
    return pad2D(X, ResolvedPadding(top: pad, bottom: pad, left: pad, right: pad), mode: .zeros)
}
