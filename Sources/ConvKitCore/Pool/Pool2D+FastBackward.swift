import CConvKitKernels

/// The fast backward pooling kernels.
///
/// dx[n, c, ih, iw] = Σ over the windows (p, q) holding tap (ih, iw), in (p, q) order, of the
/// window's share: dy[n, c, p, q] for its stored argmax tap (`.first`), dy (`.all`) or dy / ties
/// (`.splitEvenly`) for each tied maximum recomputed from the input, dy / divisor for every tap
/// (average).
/// - NHWC: threads own disjoint blocks of input rows of one image and walk every window that
///   touches their rows, adding only to taps inside them; no element is written by two threads,
///   and each element receives its terms in the same order whatever the blocking, so the result
///   is bitwise the same on any thread count (and equal to the reference's for max pooling and
///   NHWC average pooling). Each block works through slices of rows small enough to stay in L2:
///   zero the slice, then add the windows' terms vectorised along the channels. Where the windows
///   tile the input (no overlap, no gap) each element is written once and nothing is zeroed.
///   `.first` gathers overlapping windows (``poolBackwardGatherNHWC``) and runs a C row kernel
///   (a masked add per tap) for windows that tile the input, on every instruction set.
///   The result is written in place: large dx buffers come fresh from mmap, and their first-touch
///   page faults (huge pages asked for, see ``adviseHugePages(_:bytes:)``) are a large part
///   of the time.
/// - NCHW: threads own disjoint blocks of (n, c) planes, each through the plane kernels
///   (``PoolPlaneKernels``): `.first` adds each gradient at its argmax (or, where the windows
///   tile the input, writes each element once), average adds a row of shares per tap along the
///   output row. `.all` and `.splitEvenly` recompute each window's ties from the input.

/// Runs the fast backward pass; dy is in the cache's layout, so is the result.
func pool2dBackwardFast<T: ConvKitFloat>(
    _ dy: Tensor<T>, cache: Pool2DCache<T>, plan: PoolFastPlan, argmax: PoolArgmax?
) -> Tensor<T> {
    let layout = cache.options.layout
    let count = cache.input.count
    let dx = cache.input.scalars.withUnsafeBufferPointer { x in
        dy.scalars.withUnsafeBufferPointer { g in
            [T](unsafeUninitializedCapacity: count) { out, initialized in
                // Empty batches never get here (pool2dBackward takes the reference loops for them).
                guard let x = x.baseAddress, let g = g.baseAddress, let y = out.baseAddress else { return }
                adviseHugePages(UnsafeMutableRawPointer(y), bytes: count * MemoryLayout<T>.stride)
                switch argmax {
                case .narrow(let taps)?:
                    taps.withUnsafeBufferPointer { a in poolBackwardKernel(x, g, a.baseAddress, y, plan: plan, layout: layout) }
                case .wide(let taps)?:
                    taps.withUnsafeBufferPointer { a in poolBackwardKernel(x, g, a.baseAddress, y, plan: plan, layout: layout) }
                case nil:
                    poolBackwardKernel(x, g, UnsafePointer<UInt8>?.none, y, plan: plan, layout: layout)
                }
                initialized = count
            }
        }
    }
    return Tensor(uncheckedShape: cache.input.shape, scalars: dx)
}

@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolBackwardKernel<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ arg: UnsafePointer<I>?, _ dx: UnsafeMutablePointer<T>,
    plan: PoolFastPlan, layout: TensorLayout
) {
    plan.rows.entries.withUnsafeBufferPointer { rows in
        plan.columns.entries.withUnsafeBufferPointer { columns in
            plan.columns.tapOutputs.withUnsafeBufferPointer { tapColumns in
                guard let rows = rows.baseAddress, let columns = columns.baseAddress, let tapColumns = tapColumns.baseAddress else { return }
                let tables = PoolTables(rows: rows, columns: columns, tapColumns: tapColumns)
                if layout == .nhwc {
                    poolBackwardNHWC(x, dy, arg, dx, plan: plan, tables: tables)
                } else {
                    poolBackwardNCHW(x, dy, arg, dx, plan: plan, tables: tables)
                }
            }
        }
    }
}

/// x and dx are (N, H, W, C); dy and arg are (N, P, Q, C).
@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolBackwardNHWC<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ arg: UnsafePointer<I>?, _ dx: UnsafeMutablePointer<T>,
    plan: PoolFastPlan, tables: PoolTables
) {
    // `.first` reads its stored argmax: gathered where windows overlap, through the row kernel
    // where they tile the input.
    if let arg, plan.mode == .max && plan.maxTies == .first && !plan.tiles {
        poolBackwardGatherNHWC(dy, arg, dx, plan: plan)
        return
    }
    let g = plan.g
    let (c, h, w, p, q) = (g.channels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let (dh, dw, s) = (g.dilation.height, g.dilation.width, g.windowWidth)
    let rowsPerItem = plan.blockSize(h, perBatch: g.batch)
    let blocks = (h + rowsPerItem - 1) / rowsPerItem
    // Slices of about 128 KiB of dx, zeroed and filled while in L2.
    let sliceRows = max(1, (128 << 10) / max(1, w * c * MemoryLayout<T>.stride))
    let mode = plan.mode
    let ties = plan.maxTies
    let assign = plan.tiles
    let zero: T = 0
    let kernels = PoolRowKernels<T>(plan.policy)
    // Per participant: shares, maxima and tie counts (C each); the rows of dx a window covers
    // and their taps (R each).
    let vectorBytes = (3 * c * MemoryLayout<T>.stride + 63) / 64 * 64
    let scratchBytes = vectorBytes + 2 * g.windowHeight * MemoryLayout<Int>.stride
    ScratchPool.shared.withBuffers(count: plan.threads, bytes: scratchBytes) { scratch in
        ThreadPool.shared.parallelFor(g.batch * blocks, threads: plan.threads) { item, participant in
            let share = scratch[participant].assumingMemoryBound(to: T.self)
            let best = share + c
            let tieCounts = best + c
            let dxRows = (scratch[participant] + vectorBytes).assumingMemoryBound(to: UnsafeMutablePointer<T>.self)
            let rowTaps = (scratch[participant] + vectorBytes + g.windowHeight * MemoryLayout<Int>.stride)
                .assumingMemoryBound(to: Int.self)
            let n = item / blocks
            let blockEnd = min(h, (item % blocks + 1) * rowsPerItem)
            for h0 in stride(from: (item % blocks) * rowsPerItem, to: blockEnd, by: sliceRows) {
                let h1 = min(blockEnd, h0 + sliceRows)
                if !assign { (dx + (n * h + h0) * w * c).initialize(repeating: 0, count: (h1 - h0) * w * c) }
                for pp in 0..<p {
                    let (hs, rlo, rhi, rowCount) = (tables.rows[4 * pp], tables.rows[4 * pp + 1], tables.rows[4 * pp + 2], tables.rows[4 * pp + 3])
                    // The window rows inside this slice: taps r0 ..< r1.
                    let r0 = max(rlo, h0 <= hs ? 0 : (h0 - hs + dh - 1) / dh)
                    let r1 = min(rhi, h1 <= hs ? 0 : (h1 - hs + dh - 1) / dh)
                    guard r0 < r1 else { continue }
                    if let arg, mode == .max && ties == .first {
                        // Windows that tile the input: the rows of dx inside the slice, by the row kernel.
                        for r in r0..<r1 {
                            dxRows[r - r0] = dx + (n * h + hs + r * dh) * w * c
                            rowTaps[r - r0] = r
                        }
                        let o = (n * p + pp) * q * c
                        kernels.maxBackwardRow(
                            dxRows: dxRows, rowTaps: rowTaps, count: r1 - r0, columns: tables.columns, q: q, c: c, s: s,
                            dw: dw, dy: dy + o, arg: UnsafeRawPointer(arg + o), argBytes: MemoryLayout<I>.size,
                            assign: assign)
                        continue
                    }
                    for qq in 0..<q {
                        let (ws, slo, shi, columnCount) = (
                            tables.columns[4 * qq], tables.columns[4 * qq + 1], tables.columns[4 * qq + 2], tables.columns[4 * qq + 3])
                        let o = ((n * p + pp) * q + qq) * c
                        let gradient = dy + o
                        let base = dx + ((n * h + hs) * w + ws) * c
                        switch mode {
                        case .max:
                            // Recompute the window's maximum over all its taps, then its ties.
                            let source = x + ((n * h + hs) * w + ws) * c
                            let first = source + (rlo * dh * w + slo * dw) * c
                            for ch in 0..<c { best[ch] = first[ch] }
                            for r in rlo..<rhi {
                                for ss in slo..<shi { poolMaxStep(best, source + (r * dh * w + ss * dw) * c, c) }
                            }
                            if ties == .splitEvenly {
                                for ch in 0..<c { tieCounts[ch] = 0 }
                                for r in rlo..<rhi {
                                    for ss in slo..<shi {
                                        let v = source + (r * dh * w + ss * dw) * c
                                        for ch in 0..<c {
                                            let (b, value) = (best[ch], v[ch])
                                            let tied = b != b ? value != value : value == b
                                            tieCounts[ch] += tied ? 1 : 0
                                        }
                                    }
                                }
                                for ch in 0..<c { share[ch] = gradient[ch] / tieCounts[ch] }
                            } else {
                                for ch in 0..<c { share[ch] = gradient[ch] }
                            }
                            for r in r0..<r1 {
                                for ss in slo..<shi {
                                    let v = source + (r * dh * w + ss * dw) * c
                                    let target = base + (r * dh * w + ss * dw) * c
                                    for ch in 0..<c {
                                        let (b, value, part, old) = (best[ch], v[ch], share[ch], assign ? zero : target[ch])
                                        let tied = b != b ? value != value : value == b
                                        target[ch] = old + (tied ? part : 0)
                                    }
                                }
                            }
                        case .average:
                            let count = plan.divisorOverride ?? rowCount * columnCount
                            if count & (count - 1) == 0 {
                                // x / 2^k and x · 2^−k round alike.
                                let scale = 1 / T(count)
                                for ch in 0..<c { share[ch] = gradient[ch] * scale }
                            } else {
                                let divisor = T(count)
                                for ch in 0..<c { share[ch] = gradient[ch] / divisor }
                            }
                            for r in r0..<r1 {
                                for ss in slo..<shi {
                                    let target = base + (r * dh * w + ss * dw) * c
                                    if assign {
                                        for ch in 0..<c { target[ch] = zero + share[ch] }
                                    } else {
                                        for ch in 0..<c { target[ch] += share[ch] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Max pooling's gradient (`.first`, overlapping windows) gathered row by row: every element
/// of dx is the sum, in window order, of the dy of the windows whose argmax is its tap, and is
/// written once, by the kernel ck_pool_max_gather_row_*. Zeroing dx and adding every
/// window's taps into it read and wrote each element about three times: 4.2 ms on the 51 MB
/// gradient of a 3 × 3 stride-2 pooling on one thread, 1.9–2.0 ms gathered (writing 51 MB once
/// takes 1.3–1.6 ms).
/// dx is (N, H, W, C); dy and arg are (N, P, Q, C).
func poolBackwardGatherNHWC<T: ConvKitFloat, I: FixedWidthInteger>(
    _ dy: UnsafePointer<T>, _ arg: UnsafePointer<I>, _ dx: UnsafeMutablePointer<T>, plan: PoolFastPlan
) {
    let g = plan.g
    let (c, h, w, p, q) = (g.channels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let rowsPerItem = plan.blockSize(h, perBatch: g.batch)
    let blocks = (h + rowsPerItem - 1) / rowsPerItem
    let kernels = PoolRowKernels<T>(plan.policy)
    let stream = plan.streams(T.self)
    // Per participant: the dy rows, argmax rows and row taps of the windows holding a row (at
    // most R of them).
    let windowRows = g.windowHeight
    let (rowStart, rowPairs) = plan.rows.inputWindows()
    let columns = plan.columns.inputWindows()
    columns.start.withUnsafeBufferPointer { columnStart in
    columns.pairs.withUnsafeBufferPointer { columnPairs in
    ScratchPool.shared.withBuffers(count: plan.threads, bytes: 3 * windowRows * 8) { scratch in
        ThreadPool.shared.parallelFor(g.batch * blocks, threads: plan.threads) { item, participant in
            guard let columnStart = columnStart.baseAddress, let columnPairs = columnPairs.baseAddress else { return }
            let dyRows = scratch[participant].assumingMemoryBound(to: UnsafePointer<T>.self)
            let argRows = (scratch[participant] + windowRows * 8).assumingMemoryBound(to: UnsafeRawPointer.self)
            let rowTaps = (scratch[participant] + 2 * windowRows * 8).assumingMemoryBound(to: Int.self)
            let n = item / blocks
            for hh in ((item % blocks) * rowsPerItem)..<min(h, (item % blocks + 1) * rowsPerItem) {
                let k0 = rowStart[hh]
                let rows = rowStart[hh + 1] - k0
                for k in 0..<rows {
                    let o = (n * p + rowPairs[2 * (k0 + k)]) * q * c
                    dyRows[k] = dy + o
                    argRows[k] = UnsafeRawPointer(arg + o)
                    rowTaps[k] = rowPairs[2 * (k0 + k) + 1]
                }
                kernels.maxGatherRow(
                    dyRows: dyRows, argRows: argRows, rowTaps: rowTaps, count: rows, columnStart: columnStart,
                    columnPairs: columnPairs, w: w, c: c, s: g.windowWidth, argBytes: MemoryLayout<I>.size,
                    dx: dx + (n * h + hh) * w * c, stream: stream)
            }
        }
    }
    }
    }
}

/// x and dx are (N, C, H, W); dy and arg are (N, C, P, Q).
@_specialize(where T == Float, I == UInt8)
@_specialize(where T == Double, I == UInt8)
@_specialize(where T == Float, I == Int32)
@_specialize(where T == Double, I == Int32)
func poolBackwardNCHW<T: ConvKitFloat, I: FixedWidthInteger>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ arg: UnsafePointer<I>?, _ dx: UnsafeMutablePointer<T>,
    plan: PoolFastPlan, tables: PoolTables
) {
    let g = plan.g
    let (h, w, p, q) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let (r, s, dh, dw) = (g.windowHeight, g.windowWidth, g.dilation.height, g.dilation.width)
    let planes = g.batch * g.channels
    let planesPerItem = plan.blockSize(planes, perBatch: 1)
    let blocks = (planes + planesPerItem - 1) / planesPerItem
    let ties = plan.maxTies
    let argBytes = MemoryLayout<I>.size
    // The plane offset of every window tap from the window's first.
    let tapOffsets = (0..<(r * s)).map { $0 / s * dh * w + $0 % s * dw }
    tapOffsets.withUnsafeBufferPointer { offsets in
        guard let tapOffset = offsets.baseAddress else { return }
        let kernels = PoolPlaneKernels<T>(plan, tables: tables, tapOffsets: tapOffset)
        // Per participant: a row of shares (Q).
        ScratchPool.shared.withBuffers(count: plan.threads, bytes: q * MemoryLayout<T>.stride) { scratch in
            ThreadPool.shared.parallelFor(blocks, threads: plan.threads) { item, participant in
                let share = scratch[participant].assumingMemoryBound(to: T.self)
                // The item's planes in one call where a kernel takes them.
                let first = item * planesPerItem
                let count = min(planes, first + planesPerItem) - first
                switch plan.mode {
                case .average:
                    kernels.averageBackward(
                        planes: count, dy + first * p * q, tiles: plan.tiles, share: share, dx: dx + first * h * w)
                case .max where ties == .first:
                    guard let arg else { preconditionFailure("max pooling with .first needs the argmax") }
                    kernels.maxBackward(
                        planes: count, dy + first * p * q, arg: UnsafeRawPointer(arg + first * p * q), argBytes: argBytes,
                        tiles: plan.tiles, dx: dx + first * h * w)
                case .max:
                    for plane in first..<(first + count) {
                        maxTiesBackwardPlane(
                            x + plane * h * w, dy + plane * p * q, dx + plane * h * w, plan: plan, tables: tables,
                            tapOffset: tapOffset)
                    }
                }
            }
        }
    }
}

/// The max-pooling gradient of one NCHW plane under `.all` or `.splitEvenly`: each window's
/// tied maxima, recomputed from the input, receive dy (or dy / ties) in window order.
/// `tapOffset[r · S + s]` is the tap's offset in the plane from the window's start.
///
/// x and dx are (H, W); dy is (P, Q).
private func maxTiesBackwardPlane<T: ConvKitFloat>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, plan: PoolFastPlan, tables: PoolTables,
    tapOffset: UnsafePointer<Int>
) {
    let g = plan.g
    let (h, w, p, q, s) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.windowWidth)
    dx.initialize(repeating: 0, count: h * w)
    for pp in 0..<p {
        let (hs, rlo, rhi) = (tables.rows[4 * pp], tables.rows[4 * pp + 1], tables.rows[4 * pp + 2])
        for qq in 0..<q {
            let (ws, slo, shi) = (tables.columns[4 * qq], tables.columns[4 * qq + 1], tables.columns[4 * qq + 2])
            let start = hs * w + ws
            var best = x[start + tapOffset[rlo * s + slo]]
            var count = 0
            for rr in rlo..<rhi {
                for ss in slo..<shi {
                    let v = x[start + tapOffset[rr * s + ss]]
                    if v > best || (v != v && best == best) { best = v; count = 1 } else if v == best || (v != v && best != best) { count += 1 }
                }
            }
            let value = plan.maxTies == .splitEvenly ? dy[pp * q + qq] / T(count) : dy[pp * q + qq]
            for rr in rlo..<rhi {
                for ss in slo..<shi {
                    let v = x[start + tapOffset[rr * s + ss]]
                    if best != best ? v != v : v == best { dx[start + tapOffset[rr * s + ss]] += value }
                }
            }
        }
    }
}
