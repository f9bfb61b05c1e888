import ConvKitCore
/// Small tensor helpers shared by the layers: building a tensor from a kernel that writes every
/// element, and adding a gradient into an accumulated one.
extension Tensor where Scalar: ConvKitFloat {
    /// A tensor of `shape` whose elements `body` writes, all of them, through a pointer; the
    /// memory is not zeroed first.
    static func filled(
        shape: [Int], function: String = "Tensor", _ body: (UnsafeMutablePointer<Scalar>) throws -> Void
    ) throws -> Tensor {
        let count = try validate(shape: shape, function: function)
        let scalars = try [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { try body(base) }
            initialized = count
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }
}

/// `gradient += delta`, element by element (same element count).
///
/// gradient and delta are (count)
@_specialize(where T == Float)
@_specialize(where T == Double)
func accumulateGradient<T: ConvKitFloat>(_ gradient: inout Tensor<T>, _ delta: Tensor<T>) {
    let count = min(gradient.count, delta.count)
    gradient.scalars.withUnsafeMutableBufferPointer { g in
        delta.scalars.withUnsafeBufferPointer { d in
            guard let g = g.baseAddress, let d = d.baseAddress else { return }
            for i in 0..<count { g[i] += d[i] }
        }
    }
}

/// Sets every element to zero, in place.
@_specialize(where T == Float)
@_specialize(where T == Double)
func zeroFill<T: ConvKitFloat>(_ tensor: inout Tensor<T>) {
    tensor.scalars.withUnsafeMutableBufferPointer { t in
        guard let base = t.baseAddress else { return }
        base.update(repeating: 0, count: t.count)
    }
}
