/// An n-dimensional array stored in row-major (C) order, with value semantics.
///
/// `Tensor` is generic over its element type; the numerical functions of ConvKit take
/// `Tensor<Float>` or `Tensor<Double>` (see ``ConvKitFloat``), while integer and Boolean
/// tensors exist for indices, masks and `.npy` files.
///
/// Copies are cheap: the elements live in a Swift `Array`, which copies itself only when a
/// shared copy is written to (copy-on-write).
///
/// ```swift
/// var x = try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// x[1, 2] = 60          // row 1, column 2
/// let row = try x.slice(1)   // shape [3]
/// ```
public struct Tensor<Scalar: Sendable>: Sendable {
    /// The size of each axis, outermost first. An empty shape is a scalar (0-d tensor).
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public package(set) var scalars: [Scalar]

    /// Creates a tensor from a shape and its elements in row-major order.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative, the axes multiply past `Int.max`,
    ///   the elements exceed ``ResourceLimits/maximumBytes`` or the element count does not match.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let count = try Tensor.validate(shape: shape, function: "Tensor.init")
        guard count == scalars.count else {
            throw ConvKitError(
                "Tensor.init",
                "shape \(shapeString(shape)) holds \(count) elements but \(scalars.count) were given")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape with every element equal to `value`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative, the axes multiply past `Int.max` or
    ///   the elements exceed ``ResourceLimits/maximumBytes``.
    public init(shape: [Int], repeating value: Scalar) throws {
        let count = try Tensor.validate(shape: shape, function: "Tensor.init")
        self.shape = shape
        self.scalars = Array(repeating: value, count: count)
    }

    /// Creates a 0-d tensor holding one value.
    public init(_ value: Scalar) {
        self.shape = []
        self.scalars = [value]
    }

    /// Creates a 1-d tensor from an array.
    public init(_ values: [Scalar]) {
        self.shape = [values.count]
        self.scalars = values
    }

    /// Internal initialiser for callers that have already checked the element count.
    @usableFromInline
    package init(uncheckedShape shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// The element count of `shape`, checked: no axis may be negative, the product must fit
    /// in an `Int` (an overflowing product would otherwise trap) and the elements under
    /// ``ResourceLimits/maximumBytes``.
    @discardableResult
    package static func validate(shape: [Int], function: String) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw ConvKitError(function, "shape \(shapeString(shape)) has a negative axis")
        }
        guard let count = elementCount(shape) else {
            throw ConvKitError(function, "shape \(shapeString(shape)) has more elements than Int.max")
        }
        try ResourceLimits.check(
            elements: count, of: MemoryLayout<Scalar>.stride, what: "a tensor of shape \(shapeString(shape))",
            in: function)
        return count
    }

    /// The product of the axes, or `nil` when the product of the non-zero axes overflows `Int`
    /// (then `strides` would overflow even when another axis is 0).
    package static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for size in shape where size > 0 {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            product = next
        }
        return shape.contains(0) ? 0 : product
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The distance, in elements, between neighbours along each axis.
    public var strides: [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The flat (row-major) position of a multi-index, or `nil` when it is out of range.
    public func flatIndex(_ indices: [Int]) -> Int? {
        guard indices.count == shape.count else { return nil }
        var flat = 0
        for (index, size) in zip(indices, shape) {
            guard index >= 0 && index < size else { return nil }
            flat = flat * size + index
        }
        return flat
    }

    /// The element at a multi-index.
    ///
    /// Like `Array`'s subscript, an index out of range is a programming error and stops the
    /// program; use ``scalar(at:)`` to get a thrown error instead.
    public subscript(_ indices: Int...) -> Scalar {
        get { scalars[checkedFlatIndex(indices)] }
        set { scalars[checkedFlatIndex(indices)] = newValue }
    }

    private func checkedFlatIndex(_ indices: [Int]) -> Int {
        guard let flat = flatIndex(indices) else {
            preconditionFailure("Tensor: index \(indices) is out of range for shape \(shapeString(shape))")
        }
        return flat
    }

    /// The element at a multi-index.
    ///
    /// - Throws: ``ConvKitError`` when the index has the wrong length or is out of range.
    public func scalar(at indices: [Int]) throws -> Scalar {
        guard let flat = flatIndex(indices) else {
            throw ConvKitError(
                "Tensor.scalar", "index \(indices) is out of range for shape \(shapeString(shape))")
        }
        return scalars[flat]
    }

    /// The same elements viewed with another shape of equal element count.
    ///
    /// One axis may be `-1`, as in numpy: its size is inferred.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw ConvKitError(
                "Tensor.reshaped", "cannot reshape \(shapeString(shape)) to \(shapeString(newShape))")
        }
        if let axis = inferred.first {
            let others = newShape.enumerated().filter { $0.offset != axis }.map(\.element)
            guard let known = Tensor.elementCount(others), known > 0, count % known == 0 else {
                throw ConvKitError(
                    "Tensor.reshaped", "cannot reshape \(shapeString(shape)) to \(shapeString(newShape))")
            }
            resolved[axis] = count / known
        }
        guard Tensor.elementCount(resolved) == count else {
            throw ConvKitError(
                "Tensor.reshaped",
                "cannot reshape \(shapeString(shape)) (\(count) elements) to \(shapeString(newShape))")
        }
        return Tensor(uncheckedShape: resolved, scalars: scalars)
    }

    /// The sub-tensor at fixed leading indices: `x.slice(1, 2)` is numpy's `x[1, 2]`.
    ///
    /// - Throws: ``ConvKitError`` when there are more indices than axes or one is out of range.
    public func slice(_ leading: Int...) throws -> Tensor {
        guard leading.count <= rank else {
            throw ConvKitError(
                "Tensor.slice", "\(leading.count) indices for a tensor of shape \(shapeString(shape))")
        }
        var offset = 0
        for (axis, index) in leading.enumerated() {
            guard index >= 0 && index < shape[axis] else {
                throw ConvKitError(
                    "Tensor.slice",
                    "index \(index) is out of range for axis \(axis) of shape \(shapeString(shape))")
            }
            offset = offset * shape[axis] + index
        }
        let rest = Array(shape[leading.count...])
        let size = rest.reduce(1, *)
        return Tensor(uncheckedShape: rest, scalars: Array(scalars[offset * size ..< (offset + 1) * size]))
    }

    /// The rows `range` of the first axis: numpy's `x[a:b]`.
    ///
    /// - Throws: ``ConvKitError`` when the tensor is 0-d or the range leaves the first axis.
    public func slice(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw ConvKitError(
                "Tensor.slice", "range \(range) is out of range for shape \(shapeString(shape))")
        }
        let size = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(
            uncheckedShape: newShape,
            scalars: Array(scalars[range.lowerBound * size ..< range.upperBound * size]))
    }

    /// A tensor of the same shape whose elements are `transform` of these.
    public func map<Result: Sendable>(_ transform: (Scalar) throws -> Result) rethrows -> Tensor<Result> {
        Tensor<Result>(uncheckedShape: shape, scalars: try scalars.map(transform))
    }
}

extension Tensor: Equatable where Scalar: Equatable {}
extension Tensor: Hashable where Scalar: Hashable {}

extension Tensor where Scalar: Numeric {
    /// A tensor of zeros.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative, the axes multiply past `Int.max` or
    ///   the elements exceed ``ResourceLimits/maximumBytes``.
    public init(zeros shape: [Int]) throws {
        try self.init(shape: shape, repeating: 0)
    }
}

extension Tensor where Scalar: FloatingPoint {
    /// A tensor of evenly spaced values, like `numpy.linspace(start, stop, count)` reshaped to `shape`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative, the axes multiply past `Int.max` or
    ///   the elements exceed ``ResourceLimits/maximumBytes``.
    public init(linspace start: Scalar, _ stop: Scalar, shape: [Int]) throws {
        let count = try Tensor.validate(shape: shape, function: "Tensor.init(linspace:)")
        let step = count > 1 ? (stop - start) / Scalar(count - 1) : 0
        // numpy computes start + i * step and pins the last value to `stop`.
        var values = (0..<count).map { start + Scalar($0) * step }
        if count > 1 { values[count - 1] = stop }
        self.init(uncheckedShape: shape, scalars: values)
    }
}
