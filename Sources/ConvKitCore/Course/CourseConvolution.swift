/// The course's `conv_single_step`: one filter applied to one slice of the input.
///
/// `aSlicePrev` and `W` are `(f, f, n_C_prev)`, `b` is `(1, 1, 1)`;
/// returns `Z = np.sum(a_slice_prev * W) + float(b)`.
///
/// - Throws: ``ConvKitError`` when the slice and the filter differ in shape or `b` is not one number.
public func convSingleStep<T: ConvKitFloat>(_ aSlicePrev: Tensor<T>, _ W: Tensor<T>, _ b: Tensor<T>) throws -> T {
    guard aSlicePrev.shape == W.shape else {
        throw ConvKitError(
            "convSingleStep",
            "a_slice_prev \(shapeString(aSlicePrev.shape)) and W \(shapeString(W.shape)) must have the same shape")
    }
    guard b.count == 1 else {
        throw ConvKitError("convSingleStep", "b must hold one number, got shape \(shapeString(b.shape))")
    }
    let s = try aSlicePrev * W
    return s.sum() + b.scalars[0]
}

/// What the course's `conv_forward` returns as `cache`: `(A_prev, W, b, hparameters)`.
public struct CourseConvCache<T: ConvKitFloat>: Sendable {
    /// `A_prev`, `(m, n_H_prev, n_W_prev, n_C_prev)`.
    public let aPrev: Tensor<T>
    /// `W`, `(f, f, n_C_prev, n_C)`.
    public let W: Tensor<T>
    /// `b`, `(1, 1, 1, n_C)`.
    public let b: Tensor<T>
    /// `["stride": …, "pad": …]`.
    public let hparameters: [String: Int]
    let conv: Conv2DCache<T>
}

/// The course's `conv_forward`: the forward pass of a convolution layer (NHWC).
///
/// `APrev` is `(m, n_H_prev, n_W_prev, n_C_prev)`, `W` is `(f, f, n_C_prev, n_C)`, `b` is
/// `(1, 1, 1, n_C)`, `hparameters` holds `"stride"` and `"pad"`; `Z` is `(m, n_H, n_W, n_C)` with
/// `n_H = (n_H_prev − f + 2·pad) / stride + 1`.
///
/// - Throws: ``ConvKitError`` for inconsistent shapes or missing or invalid hyper-parameters.
public func convForward<T: ConvKitFloat>(
    _ APrev: Tensor<T>, _ W: Tensor<T>, _ b: Tensor<T>, hparameters: [String: Int]
) throws -> (Z: Tensor<T>, cache: CourseConvCache<T>) {
    let stride = try hyperparameter(hparameters, "stride", function: "convForward")
    let pad = try hyperparameter(hparameters, "pad", function: "convForward")
    // The reference loops mirror the course and sum in numpy's order, so the numbers match to the bit.
    let options = Conv2DOptions(
        stride: Size2D(stride, stride), padding: .uniform(pad), layout: .nhwc, algorithm: .reference)
    do {
        let (Z, conv) = try conv2dForward(APrev, weight: W, bias: b, options: options)
        return (Z, CourseConvCache(aPrev: APrev, W: W, b: b, hparameters: hparameters, conv: conv))
    } catch let error as ConvKitError {
        throw ConvKitError("convForward", error.reason)
    }
}

/// The course's `conv_backward`: the backward pass of a convolution layer.
///
/// `dZ` is `(m, n_H, n_W, n_C)`; returns `dA_prev` shaped like `A_prev`, `dW` like `W` and
/// `db` like `b`.
///
/// - Throws: ``ConvKitError`` when `dZ` does not match the forward output.
public func convBackward<T: ConvKitFloat>(
    _ dZ: Tensor<T>, cache: CourseConvCache<T>
) throws -> (dAPrev: Tensor<T>, dW: Tensor<T>, db: Tensor<T>) {
    do {
        let gradients = try conv2dBackward(dZ, cache: cache.conv)
        return (gradients.input, gradients.weight, gradients.bias ?? cache.b.map { _ in 0 })
    } catch let error as ConvKitError {
        throw ConvKitError("convBackward", error.reason)
    }
}
