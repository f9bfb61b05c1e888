extension Tensor {
    /// The tensor with its axes reordered: numpy's `x.transpose(axes)`.
    ///
    /// Axis `i` of the result is axis `axes[i]` of this tensor.
    public func transposed(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw ConvKitError(
                "Tensor.transposed", "axes \(axes) are not a permutation for shape \(shapeString(shape))")
        }
        let newShape = axes.map { shape[$0] }
        let sourceStrides = strides
        let permutedStrides = axes.map { sourceStrides[$0] }
        var output = [Scalar]()
        output.reserveCapacity(count)
        var index = Array(repeating: 0, count: rank)
        for _ in 0..<count {
            var source = 0
            for axis in 0..<rank { source += index[axis] * permutedStrides[axis] }
            output.append(scalars[source])
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < newShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(uncheckedShape: newShape, scalars: output)
    }
}
