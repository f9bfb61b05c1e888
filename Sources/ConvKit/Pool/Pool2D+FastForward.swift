import CConvKitKernels

/// The fast forward pooling kernels.
///
/// Both layouts compute, for output (n, c, p, q), the first maximum (or the sum over the
/// divisor) of the taps `x[n, c, start_h(p) + r·dh, start_w(q) + s·dw]` for r, s in the
/// valid ranges of the axis tables, in scan order (r, then s), exactly as the reference.
/// - NHWC: one output row at a time, vectorised along the contiguous channel axis; threads split
///   (n, output-row blocks). Each row goes to a C kernel (ck_pool.h, generated for every
///   instruction set) that keeps each window's running maximum (or sum) in registers, several
///   vectors of channels at a time; calls too large for the caches prefetch ahead and store
///   non-temporally.
/// - NCHW: one (n, c) plane at a time, one output row at a time; each tap (r, s) is a pass
///   along the output row (strided taps gathered into a contiguous row first); threads split
///   blocks of planes.
///
/// The NCHW loops keep the running maximum in the output itself and replaces it when a tap is
/// larger, or is NaN while the maximum is not: the first maximum (first NaN) wins. `arg`, when
/// given, receives the tap `r · S + s` of the winner.

/// Runs the fast forward pass: the output (in the input's layout) and, for max pooling when
/// `storeArgmax`, the argmax taps.
func pool2dForwardFast<T: ConvKitFloat>(
    _ input: Tensor<T>, plan: PoolFastPlan, layout: TensorLayout, storeArgmax: Bool
) -> (output: Tensor<T>, argmax: PoolArgmax?) {
    let count = plan.outputCount
    let withArgmax = storeArgmax && plan.mode == .max
    var argmax: PoolArgmax? = nil
    let output: [T] = input.scalars.withUnsafeBufferPointer { x in
        [T](unsafeUninitializedCapacity: count) { y, initialized in
            // Empty batches never get here (pool2dForward takes the reference loops for them).
            guard let x = x.baseAddress, let y = y.baseAddress else { return }
            poolAdviseHugePages(UnsafeMutableRawPointer(y), bytes: count * MemoryLayout<T>.stride)
            if withArgmax && plan.narrowArgmax {
                let taps = [UInt8](unsafeUninitializedCapacity: count) { a, n in
                    poolForwardKernel(x, y, a.baseAddress, plan: plan, layout: layout)
                    n = count
                }
                argmax = .narrow(taps)
            } else if withArgmax {
                let taps = [Int32](unsafeUninitializedCapacity: count) { a, n in
                    poolForwardKernel(x, y, a.baseAddress, plan: plan, layout: layout)
                    n = count
                }
                argmax = .wide(taps)
            } else {
                poolForwardKernel(x, y, UnsafeMutablePointer<UInt8>?.none, plan: plan, layout: layout)
            }
            initialized = count
        }
    }
    return (Tensor(uncheckedShape: plan.g.outputShape(layout), scalars: output), argmax)
}

@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolForwardKernel<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<I>?,
    plan: PoolFastPlan, layout: TensorLayout
) {
    plan.rows.entries.withUnsafeBufferPointer { rows in
        plan.columns.entries.withUnsafeBufferPointer { columns in
            plan.columns.tapOutputs.withUnsafeBufferPointer { tapColumns in
                guard let rows = rows.baseAddress, let columns = columns.baseAddress, let tapColumns = tapColumns.baseAddress else { return }
                let tables = PoolTables(rows: rows, columns: columns, tapColumns: tapColumns)
                if layout == .nhwc {
                    poolForwardNHWC(x, y, arg, plan: plan, tables: tables)
                } else {
                    poolForwardNCHW(x, y, arg, plan: plan, tables: tables)
                }
            }
        }
    }
}

/// Raw views of a plan's tables, for the kernels' inner loops.
struct PoolTables {
    /// Four entries per output row: start, lo, hi, divisor count.
    let rows: UnsafePointer<Int>
    /// Four entries per output column: start, lo, hi, divisor count.
    let columns: UnsafePointer<Int>
    /// Two entries per column tap: the output columns whose tap is inside the input.
    let tapColumns: UnsafePointer<Int>
}

/// x is (N, H, W, C); y and arg are (N, P, Q, C).
@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolForwardNHWC<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<I>?,
    plan: PoolFastPlan, tables: PoolTables
) {
    let g = plan.g
    let (c, h, w, p, q) = (g.channels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let (dh, dw, s) = (g.dilation.height, g.dilation.width, g.windowWidth)
    let rowsPerItem = plan.blockSize(p, perBatch: g.batch)
    let blocks = (p + rowsPerItem - 1) / rowsPerItem
    let kernels = PoolRowKernels<T>(plan.policy)
    let r = g.windowHeight
    let argBytes = arg == nil ? 0 : MemoryLayout<I>.size
    // Calls larger than the caches prefetch their input and store their output around them.
    let stream = plan.streams(T.self)
    // Per participant: the window rows' pointers and taps (R each), then the window taps'
    // pointers and ids (R · S each).
    let scratchBytes = (2 * r + r * s) * 8 + r * s * 4
    ScratchPool.shared.withBuffers(count: plan.threads, bytes: scratchBytes) { scratch in
    ThreadPool.shared.parallelFor(g.batch * blocks, threads: plan.threads) { item, participant in
        let rowPointers = scratch[participant].assumingMemoryBound(to: UnsafePointer<T>.self)
        let rowTaps = (scratch[participant] + r * 8).assumingMemoryBound(to: Int.self)
        let tapPointers = (scratch[participant] + 2 * r * 8).assumingMemoryBound(to: UnsafePointer<T>.self)
        let tapIds = (scratch[participant] + (2 * r + r * s) * 8).assumingMemoryBound(to: Int32.self)
        let n = item / blocks
        let p0 = (item % blocks) * rowsPerItem
        for pp in p0..<min(p, p0 + rowsPerItem) {
            let (hs, rlo, rhi, rowCount) = (tables.rows[4 * pp], tables.rows[4 * pp + 1], tables.rows[4 * pp + 2], tables.rows[4 * pp + 3])
            for rr in rlo..<rhi {
                rowPointers[rr - rlo] = x + (n * h + hs + rr * dh) * w * c
                rowTaps[rr - rlo] = rr
            }
            let o = (n * p + pp) * q * c
            switch plan.mode {
            case .average:
                kernels.averageRow(
                    rows: rowPointers, count: rhi - rlo, columns: tables.columns, q: q, c: c, dw: dw, rowCount: rowCount,
                    divisorOverride: plan.divisorOverride ?? 0, out: y + o, stream: stream)
            case .max:
                kernels.maxRow(
                    rows: rowPointers, rowTaps: rowTaps, count: rhi - rlo, columns: tables.columns, q: q, c: c, s: s, dw: dw,
                    out: y + o, arg: arg.map { UnsafeMutableRawPointer($0 + o) }, argBytes: argBytes,
                    tapPointers: tapPointers, tapIds: tapIds, stream: stream)
            }
        }
    }
    }
}

/// x is (N, C, H, W); y and arg are (N, C, P, Q).
@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolForwardNCHW<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ arg: UnsafeMutablePointer<I>?,
    plan: PoolFastPlan, tables: PoolTables
) {
    let g = plan.g
    let (h, w, p, q) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let (dh, dw, s, sw) = (g.dilation.height, g.dilation.width, g.windowWidth, g.stride.width)
    let planes = g.batch * g.channels
    let planesPerItem = plan.blockSize(planes, perBatch: 1)
    let blocks = (planes + planesPerItem - 1) / planesPerItem
    let mode = plan.mode
    let override = plan.divisorOverride.map { T($0) }
    // Per participant: the argmax taps of a row (Q, T's width) and a gathered row of input (Q).
    let rowBytes = (max(q, 1) * MemoryLayout<T>.stride + 63) / 64 * 64
    ScratchPool.shared.withBuffers(count: plan.threads, bytes: 2 * rowBytes) { scratch in
    ThreadPool.shared.parallelFor(blocks, threads: plan.threads) { item, participant in
        let taps = scratch[participant]
        let gathered = (scratch[participant] + rowBytes).assumingMemoryBound(to: T.self)
        for plane in (item * planesPerItem)..<min(planes, (item + 1) * planesPerItem) {
            let xPlane = x + plane * h * w
            for pp in 0..<p {
                let (hs, rlo, rhi, rowCount) = (tables.rows[4 * pp], tables.rows[4 * pp + 1], tables.rows[4 * pp + 2], tables.rows[4 * pp + 3])
                let o = (plane * p + pp) * q
                let out = y + o
                switch mode {
                case .max:
                    // Start every column from its first valid tap, then pass over the others.
                    let firstRow = xPlane + (hs + rlo * dh) * w
                    for qq in 0..<q {
                        let (ws, slo) = (tables.columns[4 * qq], tables.columns[4 * qq + 1])
                        out[qq] = firstRow[ws + slo * dw]
                    }
                    if arg != nil {
                        for qq in 0..<q { poolFillTaps(taps + qq * MemoryLayout<T>.stride, as: T.self, rlo * s + tables.columns[4 * qq + 1], 1) }
                    }
                    for r in rlo..<rhi {
                        let row = xPlane + (hs + r * dh) * w
                        for ss in 0..<s where r != rlo || ss != 0 {
                            // Columns q0 ..< q1 have tap ss inside the input; tap (rlo, 0) was
                            // the first tap of each of its columns, so skipping it is exact, and
                            // passing again over a first tap changes nothing.
                            let (q0, q1) = (tables.tapColumns[2 * ss], tables.tapColumns[2 * ss + 1])
                            guard q0 < q1 else { continue }
                            var source = UnsafePointer(row + tables.columns[4 * q0] + ss * dw)
                            if sw != 1 {
                                // Strided selects are neither vectorised nor branch-free: gather
                                // the taps into a contiguous row first.
                                for j in 0..<(q1 - q0) { gathered[j] = source[j * sw] }
                                source = UnsafePointer(gathered)
                            }
                            if arg != nil {
                                poolMaxStep(out + q0, taps + q0 * MemoryLayout<T>.stride, source, 1, r * s + ss, q1 - q0)
                            } else {
                                poolMaxStep(out + q0, source, 1, q1 - q0)
                            }
                        }
                    }
                    if let arg { poolNarrowTaps(taps, as: T.self, arg + o, q) }
                case .average:
                    for qq in 0..<q { out[qq] = 0 }
                    for r in rlo..<rhi {
                        let row = xPlane + (hs + r * dh) * w
                        for ss in 0..<s {
                            let (q0, q1) = (tables.tapColumns[2 * ss], tables.tapColumns[2 * ss + 1])
                            guard q0 < q1 else { continue }
                            let source = row + tables.columns[4 * q0] + ss * dw
                            let target = out + q0
                            if sw == 1 {
                                for j in 0..<(q1 - q0) { target[j] += source[j] }
                            } else {
                                for j in 0..<(q1 - q0) { target[j] += source[j * sw] }
                            }
                        }
                    }
                    if let override {
                        for qq in 0..<q { out[qq] /= override }
                    } else {
                        for qq in 0..<q { out[qq] /= T(rowCount * tables.columns[4 * qq + 3]) }
                    }
                }
            }
        }
    }
    }
}

/// PyTorch's indices, `h · W + w` of each window's first maximum, from the argmax taps; in the
/// output's layout.
func poolIndices(_ argmax: PoolArgmax, plan: PoolFastPlan, layout: TensorLayout) -> Tensor<Int> {
    let g = plan.g
    let (c, p, q, s, w) = (g.channels, g.outputHeight, g.outputWidth, g.windowWidth, g.inputWidth)
    let (dh, dw) = (g.dilation.height, g.dilation.width)
    let rows = plan.rows.entries
    let columns = plan.columns.entries
    func index(_ tap: Int, _ pp: Int, _ qq: Int) -> Int {
        (rows[4 * pp] + tap / s * dh) * w + columns[4 * qq] + tap % s * dw
    }
    func convert<I: FixedWidthInteger>(_ taps: [I]) -> [Int] {
        var indices = [Int](repeating: 0, count: taps.count)
        for n in 0..<g.batch {
            for pp in 0..<p {
                for qq in 0..<q {
                    for ch in 0..<c {
                        let o = layout == .nhwc ? ((n * p + pp) * q + qq) * c + ch : ((n * c + ch) * p + pp) * q + qq
                        indices[o] = index(Int(taps[o]), pp, qq)
                    }
                }
            }
        }
        return indices
    }
    let indices: [Int]
    switch argmax {
    case .narrow(let taps): indices = convert(taps)
    case .wide(let taps): indices = convert(taps)
    }
    return Tensor(uncheckedShape: g.outputShape(layout), scalars: indices)
}
