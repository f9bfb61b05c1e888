import ConvKitCore

/// Moving elements of any type: what the shape and indexing operators need, written once for
/// every element type through index maps.
extension NPYArray {
    /// The same elements under another shape with as many elements.
    func reshaped(_ shape: [Int]) -> NPYArray {
        switch self {
        case .float32(let t): .float32(Tensor(uncheckedShape: shape, scalars: t.scalars))
        case .float64(let t): .float64(Tensor(uncheckedShape: shape, scalars: t.scalars))
        case .int32(let t): .int32(Tensor(uncheckedShape: shape, scalars: t.scalars))
        case .int64(let t): .int64(Tensor(uncheckedShape: shape, scalars: t.scalars))
        case .uint8(let t): .uint8(Tensor(uncheckedShape: shape, scalars: t.scalars))
        case .bool(let t): .bool(Tensor(uncheckedShape: shape, scalars: t.scalars))
        }
    }

    /// `out[i] = self[indices[i]]`, shaped `shape`; an index of -1 takes `fill`'s single element
    /// (zero when `fill` is `nil`).
    func gathered(_ indices: [Int], shape: [Int], fill: NPYArray? = nil) -> NPYArray {
        func pick<T: NPYScalar>(_ tensor: Tensor<T>, _ fill: T) -> Tensor<T> {
            Tensor(uncheckedShape: shape, scalars: indices.map { $0 < 0 ? fill : tensor.scalars[$0] })
        }
        let fillScalars = fill ?? .float64(Tensor(uncheckedShape: [1], scalars: [0]))
        switch self {
        case .float32(let t): return .float32(pick(t, fillScalars.floats(Float.self).scalars.first ?? 0))
        case .float64(let t): return .float64(pick(t, fillScalars.floats(Double.self).scalars.first ?? 0))
        case .int32(let t): return .int32(pick(t, Int32(truncatingIfNeeded: (try? fillScalars.integers().scalars.first) ?? 0)))
        case .int64(let t): return .int64(pick(t, Int64((try? fillScalars.integers().scalars.first) ?? 0)))
        case .uint8(let t): return .uint8(pick(t, UInt8(truncatingIfNeeded: (try? fillScalars.integers().scalars.first) ?? 0)))
        case .bool(let t): return .bool(pick(t, ((try? fillScalars.integers().scalars.first) ?? 0) != 0))
        }
    }

    /// The elements of `arrays` one after the other, as one flat array, or `nil` when their
    /// types differ.
    static func joined(_ arrays: [NPYArray]) -> NPYArray? {
        guard let first = arrays.first, arrays.allSatisfy({ $0.dtype == first.dtype }) else { return nil }
        func join<T: NPYScalar>(_ extract: (NPYArray) -> Tensor<T>?) -> Tensor<T> {
            let scalars = arrays.flatMap { extract($0)?.scalars ?? [] }
            return Tensor(uncheckedShape: [scalars.count], scalars: scalars)
        }
        switch first {
        case .float32: return .float32(join { if case .float32(let t) = $0 { t } else { nil } })
        case .float64: return .float64(join { if case .float64(let t) = $0 { t } else { nil } })
        case .int32: return .int32(join { if case .int32(let t) = $0 { t } else { nil } })
        case .int64: return .int64(join { if case .int64(let t) = $0 { t } else { nil } })
        case .uint8: return .uint8(join { if case .uint8(let t) = $0 { t } else { nil } })
        case .bool: return .bool(join { if case .bool(let t) = $0 { t } else { nil } })
        }
    }
}

extension ONNXShapes {
    /// The index map of an operator that moves elements axis by axis: for every element of
    /// `shape` (row-major), `Σ strides[a] · tables[a][index[a]]`, or -1 (a fill) where a table
    /// holds -1. Transpose, Slice, Split, Pad, Gather and the reductions are such maps.
    static func separableMap(_ shape: [Int], strides: [Int], tables: [[Int]]) -> [Int] {
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
        guard let last = shape.indices.last else { return [0] }
        var map = [Int](repeating: 0, count: count)
        let innermost = tables[last].map { $0 < 0 ? -1 : $0 * strides[last] }
        var index = [Int](repeating: 0, count: last)
        var flat = 0
        while flat < count {
            // The outer axes give a base offset (or a fill); the last axis runs contiguously.
            var base = 0
            var fill = false
            for axis in 0..<last {
                let entry = tables[axis][index[axis]]
                if entry < 0 { fill = true } else { base += entry * strides[axis] }
            }
            for (j, entry) in innermost.enumerated() { map[flat + j] = fill || entry < 0 ? -1 : base + entry }
            flat += innermost.count
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return map
    }
}
