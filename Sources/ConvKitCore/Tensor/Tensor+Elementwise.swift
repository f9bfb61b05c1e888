extension Tensor {
    /// Combines two tensors of the same shape element by element.
    ///
    /// - Throws: ``ConvKitError`` naming `function` when the shapes differ.
    func zipWith(
        _ other: Tensor, function: String, _ combine: (Scalar, Scalar) -> Scalar
    ) throws -> Tensor {
        guard shape == other.shape else {
            throw ConvKitError(
                function, "shapes differ: \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        return Tensor(uncheckedShape: shape, scalars: zip(scalars, other.scalars).map(combine))
    }
}

extension Tensor where Scalar: Numeric {
    /// Element-wise sum of two tensors of the same shape.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try lhs.zipWith(rhs, function: "Tensor.+", +)
    }

    /// Element-wise difference of two tensors of the same shape.
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try lhs.zipWith(rhs, function: "Tensor.-", -)
    }

    /// Element-wise (Hadamard) product of two tensors of the same shape.
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try lhs.zipWith(rhs, function: "Tensor.*", *)
    }

    /// Every element times a scalar.
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 * rhs } }

    /// Every element plus a scalar.
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 + rhs } }
}

extension Tensor where Scalar: FloatingPoint {
    /// Element-wise quotient of two tensors of the same shape.
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try lhs.zipWith(rhs, function: "Tensor./", /)
    }

    /// Every element divided by a scalar.
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 / rhs } }
}

extension Tensor where Scalar: Equatable {
    /// A Boolean mask of the elements equal to `value`: numpy's `x == value`.
    public func elementsEqual(to value: Scalar) -> Tensor<Bool> { map { $0 == value } }
}
