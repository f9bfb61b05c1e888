import CConvKitKernels

/// The packed GEMM micro-kernels of `CConvKitKernels`, for Float and Double.
///
/// A GEMM `C (m × n) (+)= A (m × kc) · B (kc × n)` runs over packed operands: A in micro-panels
/// of `mr` rows (element (i, p) of a panel at `p · mr + i`), B in micro-panels of `nr` columns
/// (element (p, j) at `p · nr + j`), both zero-padded to whole panels. Row i of C starts at
/// `c + rowOffsets[i]`, so C's rows may be scattered.
struct PackedGEMM<T: ConvKitFloat> {
    let isa: KernelISA
    /// Rows of a micro-tile.
    let mr: Int
    /// Columns of a micro-tile (of the indirect kernel's too: both read B in panels of nr).
    let nr: Int
    /// Rows of a micro-tile of the indirect kernel.
    let indirectMR: Int
    /// Rows of a micro-tile of the weight-gradient kernel.
    let weightGradientMR: Int
    /// Columns of a panel of the weight-gradient kernel's packed B.
    let weightGradientNR: Int

    init(_ policy: KernelPolicy) {
        isa = policy.isa
        let isDouble: Int32 = T.self == Double.self ? 1 : 0
        var (mr, nr, indirectMR, indirectNR) = (0, 0, 0, 0)
        ck_kernel_tile(policy.code, Int32(CK_FAMILY_GEMM_PACKED.rawValue), isDouble, &mr, &nr)
        // The generator gives both kernels one NR, so B packs alike for both.
        ck_kernel_tile(policy.code, Int32(CK_FAMILY_GEMM_INDIRECT.rawValue), isDouble, &indirectMR, &indirectNR)
        var (weightGradientMR, weightGradientNR) = (0, 0)
        ck_kernel_tile(policy.code, Int32(CK_FAMILY_WEIGHT_GRADIENT.rawValue), isDouble, &weightGradientMR, &weightGradientNR)
        (self.mr, self.nr, self.indirectMR) = (mr, nr, indirectMR)
        (self.weightGradientMR, self.weightGradientNR) = (weightGradientMR, weightGradientNR)
    }

    /// Elements of a packed A holding `rows` rows of depth `kc`.
    func packedASize(rows: Int, kc: Int) -> Int { (rows + mr - 1) / mr * mr * kc }
    /// Elements of a packed B holding `columns` columns of depth `kc`.
    func packedBSize(columns: Int, kc: Int) -> Int { (columns + nr - 1) / nr * nr * kc }

    /// C (+)= A · B over packed operands.
    func run(
        m: Int, n: Int, kc: Int, a: UnsafePointer<T>, b: UnsafePointer<T>, c: UnsafeMutablePointer<T>,
        rowOffsets: UnsafePointer<Int>, accumulate: Bool
    ) {
        // The element type is Float or Double (ConvKitFloat has no other conformers).
        if T.self == Float.self {
            ck_sgemm_packed(
                isa.code, m, n, kc, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                UnsafeRawPointer(b).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), rowOffsets, accumulate ? 1 : 0)
        } else {
            ck_dgemm_packed(
                isa.code, m, n, kc, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self),
                UnsafeRawPointer(b).assumingMemoryBound(to: Double.self),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), rowOffsets, accumulate ? 1 : 0)
        }
    }

    /// C (+)= A · B with A read through row pointers: row i of A is the concatenation over taps
    /// t of the `channels` elements at `rows[i · taps + t]`. B is packed with depth taps · channels;
    /// `bias` (n elements) is added to every row.
    func runIndirect(
        m: Int, n: Int, taps: Int, channels: Int, rows: UnsafePointer<UnsafePointer<T>>, b: UnsafePointer<T>,
        bias: UnsafePointer<T>?, c: UnsafeMutablePointer<T>, rowOffsets: UnsafePointer<Int>, accumulate: Bool
    ) {
        let rawRows = UnsafeRawPointer(rows)
        if T.self == Float.self {
            ck_sgemm_indirect(
                isa.code, m, n, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self),
                UnsafeRawPointer(b).assumingMemoryBound(to: Float.self),
                bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), rowOffsets, accumulate ? 1 : 0)
        } else {
            ck_dgemm_indirect(
                isa.code, m, n, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self),
                UnsafeRawPointer(b).assumingMemoryBound(to: Double.self),
                bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Double.self) },
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), rowOffsets, accumulate ? 1 : 0)
        }
    }

    /// C (+)= A · B for a weight gradient: row i of A, the pair (tap, channel) = rowBase + i,
    /// reads `rows[p · taps + tap][channel]` at depth p; B is packed by `packB(…, nr: weightGradientNR)`,
    /// or, given `bSource` (B's rows, `ldSource` apart), packed into `b` by the kernel as it reads it;
    /// `next` (the next call's `bSource` and depth) is fetched into the caches meanwhile.
    func runWeightGradient(
        m: Int, n: Int, depth: Int, taps: Int, channels: Int, rows: UnsafePointer<UnsafePointer<T>>, rowBase: Int,
        b: UnsafeMutablePointer<T>, bSource: UnsafePointer<T>? = nil, ldSource: Int = 0,
        next: (source: UnsafePointer<T>, depth: Int)? = nil, c: UnsafeMutablePointer<T>,
        rowOffsets: UnsafePointer<Int>, accumulate: Bool
    ) {
        let rawRows = UnsafeRawPointer(rows)
        if T.self == Float.self {
            ck_sgemm_weight_gradient(
                isa.code, m, rowBase, n, depth, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self),
                UnsafeMutableRawPointer(b).assumingMemoryBound(to: Float.self),
                bSource.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }, ldSource,
                next.map { UnsafeRawPointer($0.source).assumingMemoryBound(to: Float.self) }, next?.depth ?? 0,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), rowOffsets, accumulate ? 1 : 0)
        } else {
            ck_dgemm_weight_gradient(
                isa.code, m, rowBase, n, depth, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self),
                UnsafeMutableRawPointer(b).assumingMemoryBound(to: Double.self),
                bSource.map { UnsafeRawPointer($0).assumingMemoryBound(to: Double.self) }, ldSource,
                next.map { UnsafeRawPointer($0.source).assumingMemoryBound(to: Double.self) }, next?.depth ?? 0,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), rowOffsets, accumulate ? 1 : 0)
        }
    }

    /// `sum[j] += Σ_p B[p, j]` for `j < columns`, B's `rows` rows packed as ``runWeightGradient(m:n:depth:taps:channels:rows:rowBase:b:bSource:ldSource:next:c:rowOffsets:accumulate:)``
    /// reads them (panels of `weightGradientNR` columns), each sum in the order of p.
    func addPanelSums(_ packed: UnsafePointer<T>, rows: Int, columns: Int, into sum: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            ck_spanel_sums(
                isa.code, UnsafeRawPointer(packed).assumingMemoryBound(to: Float.self), rows, columns,
                UnsafeMutableRawPointer(sum).assumingMemoryBound(to: Float.self))
        } else {
            ck_dpanel_sums(
                isa.code, UnsafeRawPointer(packed).assumingMemoryBound(to: Double.self), rows, columns,
                UnsafeMutableRawPointer(sum).assumingMemoryBound(to: Double.self))
        }
    }

    /// Elements of `rows` rows of n columns packed in panels of `nr` columns.
    func panelsSize(rows: Int, columns n: Int, nr: Int) -> Int { (n + nr - 1) / nr * nr * rows }

    /// Packs columns `column0 ..< column0 + n` of rows `row0 ..< row0 + kc` of a row-major matrix
    /// with `ld` elements per row into panels of `nr` columns (B's layout; the GEMM kernels' `nr` by
    /// default), `panelStride` elements apart (by default consecutive: kc · nr).
    func packB(
        _ source: UnsafePointer<T>, ld: Int, row0: Int, kc: Int, column0: Int, n: Int,
        into packed: UnsafeMutablePointer<T>, nr panelWidth: Int? = nil, panelStride: Int? = nil
    ) {
        let width = panelWidth ?? nr
        ck_pack_panels(
            source + row0 * ld + column0, MemoryLayout<T>.stride, ld, kc, n, width, panelStride ?? kc * width, packed)
    }
}
