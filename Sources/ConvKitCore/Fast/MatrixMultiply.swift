/// A matrix operand: row-major storage read either as is or transposed.
package struct MatrixOperand<T> {
    let base: UnsafePointer<T>
    /// Elements between the starts of consecutive stored rows.
    let leadingDimension: Int
    /// Read element (i, j) at `[j · ld + i]` instead of `[i · ld + j]`.
    let transposed: Bool

    package init(base: UnsafePointer<T>, leadingDimension: Int, transposed: Bool) {
        (self.base, self.leadingDimension, self.transposed) = (base, leadingDimension, transposed)
    }

    func element(_ i: Int, _ j: Int) -> T {
        transposed ? base[j * leadingDimension + i] : base[i * leadingDimension + j]
    }
}

/// `C (m × n) (+)= A (m × depth) · B (depth × n)` on the packed micro-kernels, over row blocks in
/// parallel. C is row-major with `ldc` elements per row. Each element of C is summed in a
/// fixed order, so the result does not depend on the thread count.
@_specialize(where T == Float)
@_specialize(where T == Double)
package func matrixMultiply<T: ConvKitFloat>(
    m: Int, n: Int, depth: Int, a: MatrixOperand<T>, b: MatrixOperand<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, threads: Int
) {
    guard m > 0, n > 0, depth > 0 else { return zeroProduct(m: m, n: n, c: c, ldc: ldc, accumulate: accumulate) }
    let gemm = PackedGEMM<T>(KernelPolicy.current)
    let paddedColumns = (n + gemm.nr - 1) / gemm.nr * gemm.nr
    ScratchPool.shared.withBuffers(count: 1, bytes: depth * paddedColumns * MemoryLayout<T>.stride) { shared in
        let packedB = shared[0].assumingMemoryBound(to: T.self)
        packMatrix(b, depth: depth, n: n, gemm: gemm, into: packedB)
        multiplyPacked(
            m: m, n: n, depth: depth, a: a, packedB: packedB, gemm: gemm, c: c, ldc: ldc, accumulate: accumulate,
            threads: threads)
    }
}

/// ``matrixMultiply(m:n:depth:a:b:c:ldc:accumulate:threads:)`` with B packed beforehand: the
/// same bits.
@_specialize(where T == Float)
@_specialize(where T == Double)
package func matrixMultiply<T: ConvKitFloat>(
    m: Int, a: MatrixOperand<T>, b: PackedMatrix<T>, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool,
    threads: Int
) {
    let (n, depth) = (b.columns, b.depth)
    guard m > 0, n > 0, depth > 0 else { return zeroProduct(m: m, n: n, c: c, ldc: ldc, accumulate: accumulate) }
    let gemm = PackedGEMM<T>(KernelPolicy.current)
    b.withPanels(for: gemm) { packedB in
        multiplyPacked(
            m: m, n: n, depth: depth, a: a, packedB: packedB, gemm: gemm, c: c, ldc: ldc, accumulate: accumulate,
            threads: threads)
    }
}

/// The product of an empty A or B: C zeroed, unless it accumulates.
private func zeroProduct<T: ConvKitFloat>(m: Int, n: Int, c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool) {
    guard !accumulate, m > 0, n > 0 else { return }
    for i in 0..<m { (c + i * ldc).initialize(repeating: 0, count: n) }
}

/// C (+)= A · B with B packed by ``packMatrix(_:depth:n:gemm:into:)``: A packed a block of rows
/// and depth at a time, the row blocks in parallel.
private func multiplyPacked<T: ConvKitFloat>(
    m: Int, n: Int, depth: Int, a: MatrixOperand<T>, packedB: UnsafePointer<T>, gemm: PackedGEMM<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, threads: Int
) {
    let blocking = GEMMBlocking(gemm, depth: depth)
    let paddedColumns = (n + gemm.nr - 1) / gemm.nr * gemm.nr
    let rowBlocks = (m + blocking.rowsPerBlock - 1) / blocking.rowsPerBlock
    let aSize = gemm.packedASize(rows: blocking.rowsPerBlock, kc: blocking.depthPerBlock)
    let participants = 2.0 * Double(m) * Double(n) * Double(depth) < 4e6 ? 1 : min(threads, rowBlocks)
    let scratchBytes = aSize * MemoryLayout<T>.stride + blocking.rowsPerBlock * MemoryLayout<Int>.stride
    ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
        ThreadPool.shared.parallelFor(rowBlocks, threads: participants) { block, participant in
            let i0 = block * blocking.rowsPerBlock
            let rows = min(blocking.rowsPerBlock, m - i0)
            let packedA = scratch[participant].assumingMemoryBound(to: T.self)
            let rowOffsets = (scratch[participant] + aSize * MemoryLayout<T>.stride).assumingMemoryBound(to: Int.self)
            for i in 0..<rows { rowOffsets[i] = (i0 + i) * ldc }
            for d0 in stride(from: 0, to: depth, by: blocking.depthPerBlock) {
                let kc = min(blocking.depthPerBlock, depth - d0)
                for i in 0..<rows {
                    let column = packedA + (i / gemm.mr) * gemm.mr * kc + i % gemm.mr
                    for p in 0..<kc { column[p * gemm.mr] = a.element(i0 + i, d0 + p) }
                }
                zeroPanelTail(packedA, rows: rows, kc: kc, mr: gemm.mr)
                gemm.run(
                    m: rows, n: n, kc: kc, a: packedA, b: packedB + d0 * paddedColumns, c: c,
                    rowOffsets: rowOffsets, accumulate: accumulate || d0 > 0)
            }
        }
    }
}

/// All of B (depth × n) packed for `gemm`: depth block d0 (``GEMMBlocking``) at d0 · paddedColumns,
/// in panels of `gemm.nr` columns.
func packMatrix<T: ConvKitFloat>(
    _ b: MatrixOperand<T>, depth: Int, n: Int, gemm: PackedGEMM<T>, into packed: UnsafeMutablePointer<T>
) {
    let blocking = GEMMBlocking(gemm, depth: depth)
    let paddedColumns = (n + gemm.nr - 1) / gemm.nr * gemm.nr
    for d0 in stride(from: 0, to: depth, by: blocking.depthPerBlock) {
        let kc = min(blocking.depthPerBlock, depth - d0)
        packPanels(b, depth: d0 ..< d0 + kc, n: n, gemm: gemm, into: packed + d0 * paddedColumns)
    }
}

/// Packs rows `depth` of B (all n columns) into panels of the GEMM's `nr` columns, zero past n:
/// a stored B with the panel copy, a transposed one (a Dense or ONNX Gemm weight, stored n × depth)
/// with the blocked transpose, whose panel is the transpose of nr stored rows. (Element by element,
/// packing ResNet-50's last Gemm weight took 2–3 ms of a 35 ms batch-1 inference on two threads.)
private func packPanels<T: ConvKitFloat>(
    _ b: MatrixOperand<T>, depth: Range<Int>, n: Int, gemm: PackedGEMM<T>, into packed: UnsafeMutablePointer<T>
) {
    guard b.transposed else {
        gemm.packB(b.base, ld: b.leadingDimension, row0: depth.lowerBound, kc: depth.count, column0: 0, n: n, into: packed)
        return
    }
    let transpose = TransposeKernel<T>(KernelPolicy.current)
    var panel = packed
    for j0 in stride(from: 0, to: n, by: gemm.nr) {
        let width = min(gemm.nr, n - j0)
        let source = b.base + j0 * b.leadingDimension + depth.lowerBound
        if width < gemm.nr { panel.initialize(repeating: 0, count: depth.count * gemm.nr) }
        if let transpose {
            transpose.run(rows: width, columns: depth.count, source, b.leadingDimension, panel, gemm.nr)
        } else {
            for p in 0..<depth.count {
                for j in 0..<width { panel[p * gemm.nr + j] = source[j * b.leadingDimension + p] }
            }
        }
        panel += depth.count * gemm.nr
    }
}

/// Blocking of the fast path's GEMMs: rows per block and depth per block.
struct GEMMBlocking {
    let rowsPerBlock: Int
    let depthPerBlock: Int

    init<T>(_ gemm: PackedGEMM<T>, depth: Int) {
        rowsPerBlock = gemm.mr * max(1, 168 / gemm.mr)
        // Depth blocks of at most 256 keep a B panel in L1 and an A block in L2.
        let blocks = (depth + 255) / 256
        depthPerBlock = (depth + blocks - 1) / max(blocks, 1)
    }
}

/// Zeros the rows of the last A panel past `rows`, so whole tiles can be multiplied.
func zeroPanelTail<T: ConvKitFloat>(_ packedA: UnsafeMutablePointer<T>, rows: Int, kc: Int, mr: Int) {
    guard rows % mr != 0 else { return }
    let panel = packedA + (rows / mr) * mr * kc
    for p in 0..<kc {
        for i in (rows % mr)..<mr { panel[p * mr + i] = 0 }
    }
}
