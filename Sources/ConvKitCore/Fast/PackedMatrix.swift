/// B of ``matrixMultiply(m:a:b:c:ldc:accumulate:threads:)`` packed once: a weight that every
/// product reads (an ONNX Gemm's B), in the panels that the GEMM of the instruction set active
/// when it was made reads.
package struct PackedMatrix<T: ConvKitFloat>: Sendable {
    /// B's rows: the products' depth.
    package let depth: Int
    /// B's columns.
    package let columns: Int
    /// The panels' width, and the panels of every depth block (``packMatrix(_:depth:n:gemm:into:)``).
    private let panelWidth: Int
    private let panels: [T]

    /// Packs B (depth × columns), stored or transposed as `b` says.
    package init(_ b: MatrixOperand<T>, depth: Int, columns: Int) {
        let gemm = PackedGEMM<T>(KernelPolicy.current)
        let count = (columns + gemm.nr - 1) / gemm.nr * gemm.nr * depth
        (self.depth, self.columns, panelWidth) = (depth, columns, gemm.nr)
        panels = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress, depth > 0, columns > 0 {
                packMatrix(b, depth: depth, n: columns, gemm: gemm, into: base)
            }
            initialized = count
        }
    }

    /// The panels as `gemm` reads them: the stored ones, or a copy re-laid for its panel width
    /// (another instruction set active than when B was packed).
    func withPanels<Result>(for gemm: PackedGEMM<T>, _ body: (UnsafePointer<T>) -> Result) -> Result {
        guard gemm.nr != panelWidth else { return panels.withUnsafeBufferPointer { body($0.baseAddress!) } }
        let (from, to) = (panelWidth, gemm.nr)
        let (fromPadded, toPadded) = ((columns + from - 1) / from * from, (columns + to - 1) / to * to)
        let blocking = GEMMBlocking(gemm, depth: depth)
        var relaid = [T](repeating: 0, count: toPadded * depth)
        for d0 in stride(from: 0, to: depth, by: blocking.depthPerBlock) {
            let kc = min(blocking.depthPerBlock, depth - d0)
            for p in 0..<kc {
                for j in 0..<columns {
                    relaid[d0 * toPadded + (j / to * kc + p) * to + j % to] =
                        panels[d0 * fromPadded + (j / from * kc + p) * from + j % from]
                }
            }
        }
        return relaid.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
