import ConvKitCore

extension ONNXOperators {
    /// `Y = alpha · A' · B' + beta · C` with A' = A or Aᵀ (transA), B' likewise; C broadcasts.
    static func gemm(_ call: ONNXCall) throws -> [NPYArray?] {
        let a = try call.float(0)
        let (transA, transB) = (try call.int("transA", default: 0) != 0, try call.int("transB", default: 0) != 0)
        var y: Tensor<Float>
        if let packed = call.packedMatrix {
            let b = transB ? [packed.columns, packed.depth] : [packed.depth, packed.columns]
            guard a.rank == 2 else { throw call.error("A \(a.shape) and B \(b) must be matrices") }
            let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            guard k == packed.depth else { throw call.error("A \(a.shape) and B \(b) do not multiply (transA \(transA), transB \(transB))") }
            y = try product(call, a, packed, m: m, transA: transA)
        } else {
            let b = try call.float(1)
            guard a.rank == 2, b.rank == 2 else { throw call.error("A \(a.shape) and B \(b.shape) must be matrices") }
            let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
            guard k == kb else { throw call.error("A \(a.shape) and B \(b.shape) do not multiply (transA \(transA), transB \(transB))") }
            y = try product(call, a, b, m: m, n: n, depth: k, transA: transA, transB: transB)
        }
        let productShape = y.shape
        let alpha = try call.float("alpha", default: 1)
        if alpha != 1 { y = mapped(y) { alpha * $0 } }
        if call.optionalInput(2) != nil {
            let beta = try call.float("beta", default: 1)
            let c = mapped(try call.float(2)) { beta * $0 }
            y = try broadcast(call, y, c, +)
            guard y.shape == productShape else { throw call.error("C of shape \(c.shape) does not broadcast to \(productShape)") }
        }
        return [.float32(y)]
    }

    /// numpy's `matmul`: 1-d operands promoted and their axis removed again, batch axes broadcast.
    static func matMul(_ call: ONNXCall) throws -> [NPYArray?] {
        var (a, b) = (try call.float(0), try call.float(1))
        guard a.rank >= 1, b.rank >= 1 else { throw call.error("MatMul needs operands of rank 1 or more, got \(a.shape) and \(b.shape)") }
        let (vectorA, vectorB) = (a.rank == 1, b.rank == 1)
        if vectorA { a = try a.reshaped([1, a.shape[0]]) }
        if vectorB { b = try b.reshaped([b.shape[0], 1]) }
        let (m, k, kb, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == kb else { throw call.error("shapes \(a.shape) and \(b.shape) do not multiply") }
        guard let batch = ONNXShapes.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
            throw call.error("the batch axes of \(a.shape) and \(b.shape) do not broadcast")
        }
        _ = try checkedCount(call, batch + [m, n])
        let batches = batch.reduce(1, *)
        let (offsetsA, offsetsB) = (ONNXShapes.broadcastOffsets(Array(a.shape.dropLast(2)), to: batch),
                                    ONNXShapes.broadcastOffsets(Array(b.shape.dropLast(2)), to: batch))
        var scalars: [Float] = []
        scalars.reserveCapacity(batches * m * n)
        for index in 0..<batches {
            let left = Tensor(uncheckedShape: [m, k], scalars: Array(a.scalars[(offsetsA[index] * m * k)..<((offsetsA[index] + 1) * m * k)]))
            let right = Tensor(uncheckedShape: [k, n], scalars: Array(b.scalars[(offsetsB[index] * k * n)..<((offsetsB[index] + 1) * k * n)]))
            scalars += try product(call, left, right, m: m, n: n, depth: k, transA: false, transB: false).scalars
        }
        var shape = batch + [m, n]
        if vectorB { shape.removeLast() }
        if vectorA { shape.remove(at: shape.count - (vectorB ? 1 : 2)) }
        return [.float32(Tensor(uncheckedShape: shape, scalars: scalars))]
    }

    /// `A' · B'` (m × n) on the packed GEMM kernels.
    static func product(
        _ call: ONNXCall, _ a: Tensor<Float>, _ b: Tensor<Float>, m: Int, n: Int, depth: Int, transA: Bool, transB: Bool
    ) throws -> Tensor<Float> {
        let count = try Checked.product(m, n, what: "the product's elements", in: "ONNX \(call.node.label)")
        try ResourceLimits.check(elements: count, of: 4, what: "the product", in: "ONNX \(call.node.label)")
        var c = [Float](repeating: 0, count: count)
        a.scalars.withUnsafeBufferPointer { a in
            b.scalars.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else { return }
                    matrixMultiply(
                        m: m, n: n, depth: depth,
                        a: MatrixOperand(base: pa, leadingDimension: transA ? m : depth, transposed: transA),
                        b: MatrixOperand(base: pb, leadingDimension: transB ? depth : n, transposed: transB),
                        c: pc, ldc: n, accumulate: false, threads: call.threads ?? ConvKitRuntime.threads)
                }
            }
        }
        return Tensor(uncheckedShape: [m, n], scalars: c)
    }

    /// `A' · B` (m × B's columns) with B packed when the model loaded.
    static func product(
        _ call: ONNXCall, _ a: Tensor<Float>, _ b: PackedMatrix<Float>, m: Int, transA: Bool
    ) throws -> Tensor<Float> {
        let count = try Checked.product(m, b.columns, what: "the product's elements", in: "ONNX \(call.node.label)")
        try ResourceLimits.check(elements: count, of: 4, what: "the product", in: "ONNX \(call.node.label)")
        var c = [Float](repeating: 0, count: count)
        a.scalars.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                guard let pa = a.baseAddress, let pc = c.baseAddress else { return }
                matrixMultiply(
                    m: m, a: MatrixOperand(base: pa, leadingDimension: transA ? m : b.depth, transposed: transA), b: b,
                    c: pc, ldc: b.columns, accumulate: false, threads: call.threads ?? ConvKitRuntime.threads)
            }
        }
        return Tensor(uncheckedShape: [m, b.columns], scalars: c)
    }
}

extension ONNXGraph {
    /// A Gemm's B (an initializer) packed as the node reads it, or nil when the node's transB is
    /// malformed (the node then reads the array and reports it) or when panels of up to 32
    /// columns would more than double a large B (a few columns: the node packs it as it runs).
    static func packedMatrix(_ b: Tensor<Float>, for node: ONNXNode) -> PackedMatrix<Float>? {
        var transB = false
        if let attribute = node.attributes["transB"] {
            guard attribute.type == .int else { return nil }
            transB = attribute.i != 0
        }
        let (depth, columns) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        let padded = (columns + 31) / 32 * 32
        guard padded <= 2 * columns || depth <= (1 << 16) / padded else { return nil }
        return b.scalars.withUnsafeBufferPointer { scalars in
            scalars.baseAddress.map { base in
                PackedMatrix(MatrixOperand(base: base, leadingDimension: b.shape[1], transposed: transB), depth: depth, columns: columns)
            }
        }
    }
}
