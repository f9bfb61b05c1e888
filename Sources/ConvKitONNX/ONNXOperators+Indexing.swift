import ConvKitCore

extension ONNXOperators {
    /// Transpose by `perm` (reversed axes when absent).
    static func transpose(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let rank = x.shape.count
        let perm = try call.ints("perm") ?? Array((0..<rank).reversed())
        guard perm.sorted() == Array(0..<rank) else { throw call.error("perm \(perm) is not a permutation of 0..<\(rank)") }
        let strides = ONNXShapes.strides(x.shape)
        let shape = perm.map { x.shape[$0] }
        let map = ONNXShapes.separableMap(shape, strides: perm.map { strides[$0] }, tables: shape.map { Array(0..<$0) })
        return [x.gathered(map, shape: shape)]
    }

    static func concat(_ call: ONNXCall) throws -> [NPYArray?] {
        let parts = try call.inputs.indices.map { try call.input($0) }
        guard let first = parts.first, let joined = NPYArray.joined(parts) else {
            throw call.error("inputs must be present and of one type, got \(call.inputs.map { $0?.dtype ?? "none" })")
        }
        let rank = first.shape.count
        let axis = try call.axis(try call.int("axis", default: 0), rank: rank)
        for part in parts where part.shape.count != rank || (0..<rank).contains(where: { $0 != axis && part.shape[$0] != first.shape[$0] }) {
            throw call.error("shapes \(parts.map(\.shape)) do not concatenate along axis \(axis)")
        }
        var shape = first.shape
        shape[axis] = try Checked.sum(parts.map { $0.shape[axis] }, what: "the concatenated axis", in: "ONNX \(call.node.label)")
        _ = try checkedCount(call, shape)
        // For each slab of the axes before `axis`, each part's contiguous chunk in turn; the
        // parts lie one after the other in the joined elements.
        let outer = shape[..<axis].reduce(1, *)
        let chunks = parts.map { $0.shape[axis...].reduce(1, *) }
        var bases: [Int] = []
        var base = 0
        for chunk in chunks {
            bases.append(base)
            base += outer * chunk
        }
        var map: [Int] = []
        map.reserveCapacity(shape.reduce(1, *))
        for slab in 0..<outer {
            for (chunk, start) in zip(chunks, bases) { map += (start + slab * chunk)..<(start + (slab + 1) * chunk) }
        }
        return [joined.gathered(map, shape: shape)]
    }

    /// Split along `axis` into the given sizes, or into as many equal parts as outputs
    /// (opset 18: `num_outputs`, the last part smaller).
    static func split(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let axis = try call.axis(try call.int("axis", default: 0), rank: x.shape.count)
        let length = x.shape[axis]
        var sizes = call.opset < 13 ? try call.ints("split") : (call.optionalInput(1) == nil ? nil : try call.integers(1))
        if sizes == nil {
            let parts = try call.int("num_outputs", default: call.node.outputs.count)
            guard parts >= 1 else { throw call.error("cannot split into \(parts) parts") }
            let size = (length + parts - 1) / parts
            sizes = (0..<parts).map { max(0, min(size, length - $0 * size)) }
        }
        guard let sizes, sizes.allSatisfy({ $0 >= 0 }),
              (try? Checked.sum(sizes, what: "split", in: "ONNX \(call.node.label)")) == length else {
            throw call.error("split \(sizes ?? []) does not add up to \(length), the length of axis \(axis) of \(x.shape)")
        }
        let strides = ONNXShapes.strides(x.shape)
        var start = 0
        return sizes.map { size in
            var shape = x.shape
            shape[axis] = size
            let tables = shape.indices.map { $0 == axis ? Array(start..<(start + size)) : Array(0..<shape[$0]) }
            start += size
            return x.gathered(ONNXShapes.separableMap(shape, strides: strides, tables: tables), shape: shape)
        }
    }

    /// Slice with numpy's clamping, negative indices and steps.
    static func slice(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let rank = x.shape.count
        let (starts, ends, givenAxes, steps): ([Int], [Int], [Int]?, [Int]?)
        if call.opset < 10 {
            guard let s = try call.ints("starts"), let e = try call.ints("ends") else { throw call.error("starts and ends are missing") }
            (starts, ends, givenAxes, steps) = (s, e, try call.ints("axes"), nil)
        } else {
            (starts, ends) = (try call.integers(1), try call.integers(2))
            givenAxes = call.optionalInput(3) == nil ? nil : try call.integers(3)
            steps = call.optionalInput(4) == nil ? nil : try call.integers(4)
        }
        let axes = try (givenAxes ?? Array(0..<starts.count)).map { try call.axis($0, rank: rank) }
        guard ends.count == starts.count, axes.count == starts.count, (steps?.count ?? starts.count) == starts.count else {
            throw call.error("starts \(starts), ends \(ends), axes \(givenAxes ?? []) and steps \(steps ?? []) differ in length")
        }
        var (first, step, shape) = ([Int](repeating: 0, count: rank), [Int](repeating: 1, count: rank), x.shape)
        for (i, axis) in axes.enumerated() {
            let (length, s) = (x.shape[axis], steps?[i] ?? 1)
            guard s != 0, s != Int.min else { throw call.error("a step of \(s)") }
            func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int {
                let v = value < 0 ? (value < -length ? low : value + length) : value
                return min(max(v, low), high)
            }
            let (begin, end) = s > 0 ? (clamp(starts[i], 0, length), clamp(ends[i], 0, length))
                                     : (clamp(starts[i], -1, length - 1), clamp(ends[i], -1, length - 1))
            first[axis] = begin
            step[axis] = s
            // Steps of magnitude |s| from begin toward end, end excluded.
            let distance = s > 0 ? end - begin : begin - end
            shape[axis] = distance <= 0 ? 0 : (distance - 1) / abs(s) + 1
        }
        let tables = shape.indices.map { axis in (0..<shape[axis]).map { first[axis] + $0 * step[axis] } }
        return [x.gathered(ONNXShapes.separableMap(shape, strides: ONNXShapes.strides(x.shape), tables: tables), shape: shape)]
    }

    /// Gather along `axis`: `data.shape[..<axis] + indices.shape + data.shape[(axis + 1)...]`.
    static func gather(_ call: ONNXCall) throws -> [NPYArray?] {
        let data = try call.input(0)
        let indices = try call.integers(1)
        let indexShape = try call.input(1).shape
        let axis = try call.axis(try call.int("axis", default: 0), rank: data.shape.count)
        let length = data.shape[axis]
        let resolved = try indices.map { index in
            guard index >= -length, index < length else { throw call.error("index \(index) is outside -\(length)..<\(length)") }
            return index < 0 ? index + length : index
        }
        let shape = Array(data.shape[..<axis]) + indexShape + Array(data.shape[(axis + 1)...])
        _ = try checkedCount(call, shape)
        // The indices as one axis in place of `axis`, then the output's shape.
        var flat = data.shape
        flat[axis] = resolved.count
        let tables = flat.indices.map { $0 == axis ? resolved : Array(0..<flat[$0]) }
        return [data.gathered(ONNXShapes.separableMap(flat, strides: ONNXShapes.strides(data.shape), tables: tables), shape: shape)]
    }

    /// Pad with a constant, by reflection, by repeating the edge or by wrapping around;
    /// negative pads crop.
    static func pad(_ call: ONNXCall) throws -> [NPYArray?] {
        let x = try call.input(0)
        let rank = x.shape.count
        var pads = call.opset < 11 ? try call.ints("pads") ?? [] : try call.integers(1)
        var fill: NPYArray? = call.opset < 11 ? .float32(Tensor(uncheckedShape: [1], scalars: [try call.float("value", default: 0)])) : call.optionalInput(2)
        if let value = fill, value.shape.reduce(1, *) == 0 { fill = nil }
        if call.opset >= 18, call.optionalInput(3) != nil {
            // Pads for the listed axes only.
            let axes = try call.integers(3).map { try call.axis($0, rank: rank) }
            guard pads.count == 2 * axes.count else { throw call.error("\(pads.count) pads for \(axes.count) axes") }
            var full = [Int](repeating: 0, count: 2 * rank)
            for (i, axis) in axes.enumerated() { (full[axis], full[axis + rank]) = (pads[i], pads[i + axes.count]) }
            pads = full
        }
        guard pads.count == 2 * rank else { throw call.error("\(pads.count) pads for an input of rank \(rank)") }
        let mode = try call.string("mode", default: "constant")
        guard ["constant", "reflect", "edge", "wrap"].contains(mode) else { throw call.unsupported("mode \(mode)") }
        let shape = try (0..<rank).map { axis in
            let size = try Checked.sum(x.shape[axis], pads[axis], pads[axis + rank], what: "the padded axis \(axis)", in: "ONNX \(call.node.label)")
            guard size >= 0 else { throw call.error("pads \(pads) crop more than the input \(x.shape) has") }
            if mode != "constant", x.shape[axis] == 0, size > 0 { throw call.error("cannot \(mode)-pad an empty axis") }
            if mode == "reflect", max(pads[axis], pads[axis + rank]) >= x.shape[axis], x.shape[axis] > 0 {
                throw call.error("reflect pads \(pads) reach past the input \(x.shape)")
            }
            return size
        }
        _ = try checkedCount(call, shape)
        // Per axis, the input index of each output index (-1: the constant).
        let tables = (0..<rank).map { axis in
            let length = x.shape[axis]
            return (0..<shape[axis]).map { position -> Int in
                let i = position - pads[axis]
                guard i < 0 || i >= length else { return i }
                switch mode {
                case "edge": return i < 0 ? 0 : length - 1
                case "reflect": return i < 0 ? -i : 2 * (length - 1) - i
                case "wrap": return (i % length + length) % length
                default: return -1
                }
            }
        }
        let map = ONNXShapes.separableMap(shape, strides: ONNXShapes.strides(x.shape), tables: tables)
        return [x.gathered(map, shape: shape, fill: fill)]
    }
}
