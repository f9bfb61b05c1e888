import ConvKitCore

extension ONNXOperators {
    /// Axes from the attribute `axes` before `inputFrom`, from input 1 after; `nil` when absent.
    static func axes(_ call: ONNXCall, inputFrom version: Int) throws -> [Int]? {
        call.opset < version ? try call.ints("axes") : (call.optionalInput(1) == nil ? nil : try call.integers(1))
    }

    /// The element count of `shape` after checking it against the memory limit.
    static func checkedCount(_ call: ONNXCall, _ shape: [Int]) throws -> Int {
        let function = "ONNX \(call.node.label)"
        try ONNXShapes.validate(shape, what: "the output", in: function)
        let count = try Checked.product(shape, what: "the output's elements", in: function)
        try ResourceLimits.check(elements: count, of: 16, what: "the output", in: function)
        return count
    }

    static func flatten(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        // Axis in -rank...rank: the first axis of the second factor.
        let (given, rank) = (try call.int("axis", default: 1), x.shape.count)
        guard given >= -rank, given <= rank else { throw call.error("axis \(given) is outside -\(rank)...\(rank)") }
        let axis = given < 0 ? given + rank : given
        return [x.reshaped([x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])]
    }

    /// Reshape: 0 copies the input's dimension (unless `allowzero`), one -1 is inferred.
    static func reshape(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        var shape = try call.integers(1)
        let allowZero = try call.int("allowzero", default: 0) != 0
        for (axis, size) in shape.enumerated() where size == 0 && !allowZero {
            guard axis < x.shape.count else { throw call.error("shape \(shape) copies axis \(axis) of an input of shape \(x.shape)") }
            shape[axis] = x.shape[axis]
        }
        let count = x.shape.reduce(1, *)
        if let unknown = shape.firstIndex(of: -1) {
            let known = try checkedCount(call, shape.enumerated().filter { $0.offset != unknown }.map(\.element))
            guard known > 0, count % known == 0 else { throw call.error("cannot reshape \(x.shape) into \(shape)") }
            shape[unknown] = count / known
        }
        guard try checkedCount(call, shape) == count else { throw call.error("cannot reshape \(x.shape) into \(shape)") }
        return [x.reshaped(shape)]
    }

    static func squeeze(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let rank = x.shape.count
        let axes = try (axes(call, inputFrom: 13) ?? x.shape.indices.filter { x.shape[$0] == 1 }).map { try call.axis($0, rank: rank) }
        for axis in axes where x.shape[axis] != 1 {
            throw call.error("axis \(axis) of shape \(x.shape) is not 1")
        }
        return [x.reshaped(x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] })]
    }

    static func unsqueeze(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        guard let given = try axes(call, inputFrom: 13) else { throw call.error("axes are missing") }
        let rank = x.shape.count + given.count
        let axes = Set(try given.map { try call.axis($0, rank: rank) })
        guard axes.count == given.count else { throw call.error("axes \(given) repeat an axis") }
        var remaining = x.shape.makeIterator()
        return [x.reshaped((0..<rank).map { axes.contains($0) ? 1 : remaining.next() ?? 1 })]
    }

    /// Shape, with `start` and `end` (opset 15) clamped as slices are.
    static func shape(_ call: ONNXCall) throws -> [NPYArray?] {
        let shape = try call.input(0).shape
        let rank = shape.count
        func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
        let (start, end) = (clamp(try call.int("start", default: 0)), clamp(try call.int("end", default: rank)))
        let dims = start < end ? shape[start..<end].map { Int64($0) } : []
        return [.int64(Tensor(uncheckedShape: [dims.count], scalars: dims))]
    }

    static func constant(_ call: ONNXCall) throws -> [NPYArray?] {
        if let tensor = try call.tensor("value") { return [tensor] }
        if call.has("value_float") { return [.float32(Tensor(uncheckedShape: [], scalars: [try call.float("value_float", default: 0)]))] }
        if call.has("value_int") { return [.int64(Tensor(uncheckedShape: [], scalars: [Int64(try call.int("value_int", default: 0))]))] }
        if let attribute = call.node.attributes["value_floats"] {
            return [.float32(Tensor(uncheckedShape: [attribute.floats.count], scalars: attribute.floats))]
        }
        if let ints = try call.ints("value_ints") {
            return [.int64(Tensor(uncheckedShape: [ints.count], scalars: ints.map { Int64($0) }))]
        }
        throw call.unsupported("a Constant without value, value_float(s) or value_int(s)")
    }

    static func constantOfShape(_ call: ONNXCall) throws -> [NPYArray?] {
        let shape = try call.integers(0)
        let count = try checkedCount(call, shape)
        let value = try call.tensor("value") ?? .float32(Tensor(uncheckedShape: [1], scalars: [0]))
        guard value.shape.reduce(1, *) == 1 else { throw call.error("value must hold one element, has shape \(value.shape)") }
        return [value.gathered([Int](repeating: 0, count: count), shape: shape)]
    }

    /// ReduceMean over `axes` (all when none), keeping them as 1 when `keepdims`.
    static func reduceMean(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.float(0)
        let given = try axes(call, inputFrom: 18) ?? []
        if given.isEmpty, try call.int("noop_with_empty_axes", default: 0) != 0 { return [.float32(x)] }
        let axes = Set(given.isEmpty ? Array(x.shape.indices) : try given.map { try call.axis($0, rank: x.rank) })
        let kept = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        var sums = [Float](repeating: 0, count: kept.reduce(1, *))
        // Each element's place among the sums: a reduced axis always contributes 0.
        let tables = x.shape.indices.map { axes.contains($0) ? [Int](repeating: 0, count: x.shape[$0]) : Array(0..<x.shape[$0]) }
        let target = ONNXShapes.separableMap(x.shape, strides: ONNXShapes.strides(kept), tables: tables)
        for (value, slot) in zip(x.scalars, target) { sums[slot] += value }
        let size = Float(x.shape.enumerated().filter { axes.contains($0.offset) }.reduce(1) { $0 * $1.element })
        let shape = try call.int("keepdims", default: 1) != 0 ? kept : x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] }
        return [.float32(Tensor(uncheckedShape: shape, scalars: sums.map { $0 / size }))]
    }
}
