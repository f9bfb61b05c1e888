extension Tensor where Scalar: Numeric {
    /// The sum of all elements.
    public func sum() -> Scalar { scalars.reduce(0, +) }

    /// The sums over `axes` (numpy's `x.sum(axis=axes)`); the reduced axes are removed,
    /// or kept with size 1 when `keepingDimensions` is true.
    public func sum(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        try reduce(axes: axes, keepingDimensions: keepingDimensions, function: "Tensor.sum", initial: 0, +)
    }
}

extension Tensor where Scalar: FloatingPoint {
    /// The sum of all elements, added in numpy's pairwise order (see ``pairwiseSum(_:)``).
    public func sum() -> Scalar { pairwiseSum(scalars) }

    /// The mean of all elements (NaN for an empty tensor, as numpy).
    public func mean() -> Scalar { sum() / Scalar(count) }

    /// The means over `axes`.
    public func mean(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let summed = try reduce(
            axes: axes, keepingDimensions: keepingDimensions, function: "Tensor.mean", initial: 0, +)
        let divisor = Scalar(summed.count == 0 ? 0 : count / summed.count)
        return summed / divisor
    }

    /// The largest element; NaN if any element is NaN (numpy's `max`).
    ///
    /// - Throws: ``ConvKitError`` for an empty tensor.
    public func max() throws -> Scalar {
        guard let first = scalars.first else {
            throw ConvKitError("Tensor.max", "the tensor of shape \(shapeString(shape)) is empty")
        }
        return scalars.reduce(first, Tensor.nanPropagatingMax)
    }

    /// The maxima over `axes`; NaN wins, as in numpy.
    public func max(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        guard !axes.isEmpty, axes.allSatisfy({ $0 >= 0 && $0 < rank && shape[$0] > 0 }) else {
            throw ConvKitError(
                "Tensor.max", "axes \(axes) cannot be reduced for shape \(shapeString(shape))")
        }
        return try reduce(
            axes: axes, keepingDimensions: keepingDimensions, function: "Tensor.max",
            initial: -.infinity, Tensor.nanPropagatingMax)
    }

    static func nanPropagatingMax(_ a: Scalar, _ b: Scalar) -> Scalar {
        if a.isNaN || b.isNaN { return .nan }
        return Swift.max(a, b)
    }
}

extension Tensor {
    /// Folds the elements along `axes` with `combine`, starting each output from `initial`.
    func reduce(
        axes: [Int], keepingDimensions: Bool, function: String, initial: Scalar,
        _ combine: (Scalar, Scalar) -> Scalar
    ) throws -> Tensor {
        guard Set(axes).count == axes.count, axes.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw ConvKitError(function, "axes \(axes) are not valid for shape \(shapeString(shape))")
        }
        let reduced = Set(axes)
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outStrides = Tensor(uncheckedShape: keptShape, scalars: []).strides
        var output = Array(repeating: initial, count: keptShape.reduce(1, *))
        var index = Array(repeating: 0, count: rank)
        for value in scalars {
            var flat = 0
            for axis in 0..<rank where !reduced.contains(axis) { flat += index[axis] * outStrides[axis] }
            output[flat] = combine(output[flat], value)
            // Advance the multi-index like an odometer.
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        let finalShape = keepingDimensions
            ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return Tensor(uncheckedShape: finalShape, scalars: output)
    }
}
