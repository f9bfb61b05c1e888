/// What the course's `pool_forward` returns as `cache`: `(A_prev, hparameters)`.
public struct CoursePoolCache<T: ConvKitFloat>: Sendable {
    /// `A_prev`, `(m, n_H_prev, n_W_prev, n_C_prev)`.
    public let aPrev: Tensor<T>
    /// `["f": …, "stride": …]`.
    public let hparameters: [String: Int]
}

/// The options the course's pooling functions stand for: an `f × f` window, no padding and, for
/// max pooling, the course's mask `x == max(x)` that gives every tied maximum the gradient.
private func coursePoolOptions(_ hparameters: [String: Int], mode: PoolMode, function: String) throws -> Pool2DOptions {
    let f = try hyperparameter(hparameters, "f", function: function)
    let stride = try hyperparameter(hparameters, "stride", function: function)
    return Pool2DOptions(
        mode, window: Size2D(f, f), stride: Size2D(stride, stride), maxTies: .all, layout: .nhwc, algorithm: .reference)
}

/// The course's `pool_forward`: max or average pooling without padding (NHWC).
///
/// `APrev` is `(m, n_H_prev, n_W_prev, n_C)`, `hparameters` holds `"f"` and `"stride"`; `A` is
/// `(m, n_H, n_W, n_C)` with `n_H = (n_H_prev − f) / stride + 1`.
///
/// - Throws: ``ConvKitError`` for a bad shape or missing or invalid hyper-parameters.
public func poolForward<T: ConvKitFloat>(
    _ APrev: Tensor<T>, hparameters: [String: Int], mode: PoolMode = .max
) throws -> (A: Tensor<T>, cache: CoursePoolCache<T>) {
    let options = try coursePoolOptions(hparameters, mode: mode, function: "poolForward")
    do {
        let (A, _) = try pool2dForward(APrev, options: options)
        return (A, CoursePoolCache(aPrev: APrev, hparameters: hparameters))
    } catch let error as ConvKitError {
        throw ConvKitError("poolForward", error.reason)
    }
}

/// The course's `pool_backward`: the gradient of ``poolForward(_:hparameters:mode:)``.
///
/// `dA` is `(m, n_H, n_W, n_C)`; the result is shaped like `A_prev`. Max pooling routes each
/// gradient through ``createMaskFromWindow(_:)``, average pooling through
/// ``distributeValue(_:shape:)``.
///
/// - Throws: ``ConvKitError`` when `dA` does not match the forward output.
public func poolBackward<T: ConvKitFloat>(
    _ dA: Tensor<T>, cache: CoursePoolCache<T>, mode: PoolMode = .max
) throws -> Tensor<T> {
    let options = try coursePoolOptions(cache.hparameters, mode: mode, function: "poolBackward")
    do {
        let (_, poolCache) = try pool2dForward(cache.aPrev, options: options)
        return try pool2dBackward(dA, cache: poolCache)
    } catch let error as ConvKitError {
        throw ConvKitError("poolBackward", error.reason)
    }
}

/// The course's `create_mask_from_window`: `x == np.max(x)`, true at every maximum.
///
/// - Throws: ``ConvKitError`` for an empty window.
public func createMaskFromWindow<T: ConvKitFloat>(_ x: Tensor<T>) throws -> Tensor<Bool> {
    guard x.count > 0 else {
        throw ConvKitError("createMaskFromWindow", "x is empty (shape \(shapeString(x.shape)))")
    }
    let winners = Set(maxTieWinners(x.scalars, policy: .all))
    return Tensor(uncheckedShape: x.shape, scalars: x.scalars.indices.map(winners.contains))
}

/// The course's `distribute_value`: spreads `dz` evenly over a matrix of `shape`.
///
/// Returns an `(n_H, n_W)` tensor filled with `dz / (n_H · n_W)`.
///
/// - Throws: ``ConvKitError`` when a dimension is below 1.
public func distributeValue<T: ConvKitFloat>(_ dz: T, shape: (Int, Int)) throws -> Tensor<T> {
    let (nH, nW) = shape
    guard nH >= 1, nW >= 1 else {
        throw ConvKitError("distributeValue", "shape must be at least (1, 1), got (\(nH), \(nW))")
    }
    let average = dz / T(nH * nW)
    return Tensor(uncheckedShape: [nH, nW], scalars: Array(repeating: average, count: nH * nW))
}
