extension Tensor where Scalar: BinaryFloatingPoint {
    /// The norm-wise relative error `‖a − b‖ / max(‖a‖, ‖b‖)` (0 when both are zero),
    /// or `nil` when the shapes differ.
    public func relativeError(to other: Tensor) -> Scalar? {
        guard shape == other.shape else { return nil }
        var difference: Scalar = 0
        var normA: Scalar = 0
        var normB: Scalar = 0
        for (a, b) in zip(scalars, other.scalars) {
            difference += (a - b) * (a - b)
            normA += a * a
            normB += b * b
        }
        let scale = Swift.max(normA, normB)
        return scale == 0 ? difference : (difference / scale).squareRoot()
    }

    /// True when the shapes match and every element satisfies numpy's `isclose` rule
    /// `|a − b| ≤ absoluteTolerance + relativeTolerance · |b|`; NaNs compare equal to NaNs.
    public func isClose(
        to other: Tensor, relativeTolerance: Scalar = 1e-5, absoluteTolerance: Scalar = 1e-8
    ) -> Bool {
        guard shape == other.shape else { return false }
        return zip(scalars, other.scalars).allSatisfy { a, b in
            if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
            if a == b { return true }
            // An infinity is close only to itself; the formula would accept inf ≈ -inf.
            if a.isInfinite || b.isInfinite { return false }
            return abs(a - b) <= absoluteTolerance + relativeTolerance * abs(b)
        }
    }
}
