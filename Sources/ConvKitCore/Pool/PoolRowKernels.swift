import CConvKitKernels

/// The pooling row kernels of `CConvKitKernels` (ck_pool.h) for one call's instruction set, typed
/// for the element type: the one place where Float and Double part ways.
struct PoolRowKernels<T: ConvKitFloat> {
    let isa: Int32

    init(_ policy: KernelPolicy) { isa = policy.code }

    /// Max pooling of one NHWC output row (ck_pool_max_row_f32): `count` window rows, the
    /// argmax of `argBytes` (0: none, 1 or 4) per element; `ahead` elements past each window row
    /// prefetched (0: none).
    func maxRow(
        rows: UnsafePointer<UnsafePointer<T>>, rowTaps: UnsafePointer<Int>, count: Int, columns: UnsafePointer<Int>,
        q: Int, c: Int, s: Int, dw: Int, out: UnsafeMutablePointer<T>, arg: UnsafeMutableRawPointer?, argBytes: Int,
        tapPointers: UnsafeMutablePointer<UnsafePointer<T>>, tapIds: UnsafeMutablePointer<Int32>, stream: Bool,
        ahead: Int
    ) {
        let (rawRows, rawTaps) = (UnsafeRawPointer(rows), UnsafeMutableRawPointer(tapPointers))
        if T.self == Float.self {
            ck_pool_max_row_f32(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self), rowTaps, count, columns, q, c, s, dw,
                UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), arg, Int32(argBytes),
                rawTaps.assumingMemoryBound(to: UnsafePointer<Float>?.self), tapIds, stream ? 1 : 0, ahead)
        } else {
            ck_pool_max_row_f64(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self), rowTaps, count, columns, q, c, s, dw,
                UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), arg, Int32(argBytes),
                rawTaps.assumingMemoryBound(to: UnsafePointer<Double>?.self), tapIds, stream ? 1 : 0, ahead)
        }
    }

    /// Average pooling of one NHWC output row (ck_pool_avg_row_f32), `ahead` as in ``maxRow``.
    func averageRow(
        rows: UnsafePointer<UnsafePointer<T>>, count: Int, columns: UnsafePointer<Int>, q: Int, c: Int, dw: Int,
        rowCount: Int, divisorOverride: Int, out: UnsafeMutablePointer<T>, stream: Bool, ahead: Int
    ) {
        let rawRows = UnsafeRawPointer(rows)
        if T.self == Float.self {
            ck_pool_avg_row_f32(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self), count, columns, q, c, dw, rowCount,
                divisorOverride, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), stream ? 1 : 0, ahead)
        } else {
            ck_pool_avg_row_f64(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self), count, columns, q, c, dw, rowCount,
                divisorOverride, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), stream ? 1 : 0, ahead)
        }
    }

    /// The max-pooling gradient of one NHWC output row, added to (or, with `assign`, stored in)
    /// the `count` rows of dx its windows cover (ck_pool_max_backward_row_f32).
    func maxBackwardRow(
        dxRows: UnsafePointer<UnsafeMutablePointer<T>>, rowTaps: UnsafePointer<Int>, count: Int,
        columns: UnsafePointer<Int>, q: Int, c: Int, s: Int, dw: Int, dy: UnsafePointer<T>, arg: UnsafeRawPointer,
        argBytes: Int, assign: Bool
    ) {
        let rawRows = UnsafeRawPointer(dxRows)
        if T.self == Float.self {
            ck_pool_max_backward_row_f32(
                isa, rawRows.assumingMemoryBound(to: UnsafeMutablePointer<Float>?.self), rowTaps, count, columns, q, c, s,
                dw, UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self), arg, Int32(argBytes), assign ? 1 : 0)
        } else {
            ck_pool_max_backward_row_f64(
                isa, rawRows.assumingMemoryBound(to: UnsafeMutablePointer<Double>?.self), rowTaps, count, columns, q, c,
                s, dw, UnsafeRawPointer(dy).assumingMemoryBound(to: Double.self), arg, Int32(argBytes), assign ? 1 : 0)
        }
    }

    /// The max-pooling gradient of one NHWC row of dx, gathered from the `count` output rows
    /// whose windows hold it (ck_pool_max_gather_row_f32).
    func maxGatherRow(
        dyRows: UnsafePointer<UnsafePointer<T>>, argRows: UnsafePointer<UnsafeRawPointer>, rowTaps: UnsafePointer<Int>,
        count: Int, columnStart: UnsafePointer<Int>, columnPairs: UnsafePointer<Int>, w: Int, c: Int, s: Int,
        argBytes: Int, dx: UnsafeMutablePointer<T>, stream: Bool
    ) {
        let (rawRows, rawArgs) = (UnsafeRawPointer(dyRows), UnsafeRawPointer(argRows))
        if T.self == Float.self {
            ck_pool_max_gather_row_f32(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self),
                rawArgs.assumingMemoryBound(to: UnsafeRawPointer?.self), rowTaps, count, columnStart, columnPairs, w, c,
                s, Int32(argBytes), UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self), stream ? 1 : 0)
        } else {
            ck_pool_max_gather_row_f64(
                isa, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self),
                rawArgs.assumingMemoryBound(to: UnsafeRawPointer?.self), rowTaps, count, columnStart, columnPairs, w, c,
                s, Int32(argBytes), UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Double.self), stream ? 1 : 0)
        }
    }
}
