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
/// - NCHW: blocks of channels through the same row kernels, transposed in cache on the way in
///   and out (``poolForwardNCHW(_:_:_:plan:tables:)``).
///
/// The running maximum takes a tap that is larger, or is NaN while the maximum is not: the
/// first maximum (first NaN) wins. `arg`, when given, receives the tap `r · S + s` of the winner.

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
            adviseHugePages(UnsafeMutableRawPointer(y), bytes: count * MemoryLayout<T>.stride)
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
    let (dh, dw, s, sh) = (g.dilation.height, g.dilation.width, g.windowWidth, g.stride.height)
    let rowsPerItem = plan.blockSize(p, perBatch: g.batch)
    let blocks = (p + rowsPerItem - 1) / rowsPerItem
    let kernels = PoolRowKernels<T>(plan.policy)
    let r = g.windowHeight
    let argBytes = arg == nil ? 0 : MemoryLayout<I>.size
    // Calls larger than the caches prefetch their input a row ahead and store their output around
    // them.
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
            // The next output row's window rows, sh rows on, where they are rows of x: prefetched.
            // (Compared as a difference: sh comes from the caller and may be huge.)
            let lastRow = n * h + hs + (rhi - 1) * dh
            let ahead = stream && rhi > rlo && sh < g.batch * h - lastRow ? sh * w * c : 0
            switch plan.mode {
            case .average:
                kernels.averageRow(
                    rows: rowPointers, count: rhi - rlo, columns: tables.columns, q: q, c: c, dw: dw, rowCount: rowCount,
                    divisorOverride: plan.divisorOverride ?? 0, out: y + o, stream: stream, ahead: ahead)
            case .max:
                kernels.maxRow(
                    rows: rowPointers, rowTaps: rowTaps, count: rhi - rlo, columns: tables.columns, q: q, c: c, s: s, dw: dw,
                    out: y + o, arg: arg.map { UnsafeMutableRawPointer($0 + o) }, argBytes: argBytes,
                    tapPointers: tapPointers, tapIds: tapIds, stream: stream, ahead: ahead)
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
