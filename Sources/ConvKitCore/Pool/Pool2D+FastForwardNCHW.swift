/// The fast forward pooling of NCHW tensors through the NHWC row kernels.
///
/// A work item is a block of channels of one image and a band of output rows. The input rows
/// its windows read are transposed into an NHWC scratch that stays in cache, the NHWC row
/// kernels (ck_pool.h) pool them into a second scratch, and that is transposed into the NCHW
/// output (and argmax). The tensors are read and written once, as in NHWC, and the results
/// are those of the NHWC pass: the same kernels, the same taps in the same order.
///
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
    let (c, h, w, p, q) = (g.channels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let (r, s, dh, dw) = (g.windowHeight, g.windowWidth, g.dilation.height, g.dilation.width)
    guard let transpose = TransposeKernel<T>(plan.policy) else { return }
    let kernels = PoolRowKernels<T>(plan.policy)
    // Blocks of 64 channels (whole steps of the row kernels), and bands of output rows whose
    // input rows fill about 256 KB of scratch.
    let block = min(c, 64)
    let blocks = (c + block - 1) / block
    let rowBytes = w * block * MemoryLayout<T>.stride
    let inputRowsWanted = max(1, (256 << 10) / max(1, rowBytes))
    let band = max(1, min(p, (inputRowsWanted - dh * (r - 1) - 1) / max(1, g.stride.height) + 1))
    let bands = (p + band - 1) / band
    let bandInputRows = min(h, (band - 1) * g.stride.height + dh * (r - 1) + 1)
    // The argmax goes through 32-bit lanes, transposed as Float bit patterns.
    let argTranspose = TransposeKernel<Float>(plan.policy)
    // Per participant: the input band and the output band (NHWC), the argmax band in NHWC and
    // in NCHW order, then the row kernel's pointers and ids.
    let inputBytes = (bandInputRows * rowBytes + 63) / 64 * 64
    let outputBytes = (band * q * block * MemoryLayout<T>.stride + 63) / 64 * 64
    let argScratchBytes = arg == nil ? 0 : (band * q * block * 4 + 63) / 64 * 64
    let pointerBytes = (2 * r + r * s) * 8 + r * s * 4
    let scratchBytes = inputBytes + outputBytes + 2 * argScratchBytes + pointerBytes
    let items = g.batch * blocks * bands
    let threads = min(plan.threads, items)
    ScratchPool.shared.withBuffers(count: threads, bytes: scratchBytes) { scratch in
    ThreadPool.shared.parallelFor(items, threads: threads) { item, participant in
        let input = scratch[participant].assumingMemoryBound(to: T.self)
        let output = (scratch[participant] + inputBytes).assumingMemoryBound(to: T.self)
        let argBand = scratch[participant] + inputBytes + outputBytes
        let argPlanes = argBand + argScratchBytes
        let pointers = argPlanes + argScratchBytes
        let rowPointers = pointers.assumingMemoryBound(to: UnsafePointer<T>.self)
        let rowTaps = (pointers + r * 8).assumingMemoryBound(to: Int.self)
        let tapPointers = (pointers + 2 * r * 8).assumingMemoryBound(to: UnsafePointer<T>.self)
        let tapIds = (pointers + (2 * r + r * s) * 8).assumingMemoryBound(to: Int32.self)
        let n = item / (blocks * bands)
        let c0 = item / bands % blocks * block
        let channels = min(block, c - c0)
        let p0 = item % bands * band
        let p1 = min(p, p0 + band)
        // The input rows the band's windows read.
        var (hLo, hHi) = (h, 0)
        for pp in p0..<p1 where tables.rows[4 * pp + 1] < tables.rows[4 * pp + 2] {
            hLo = min(hLo, tables.rows[4 * pp] + tables.rows[4 * pp + 1] * dh)
            hHi = max(hHi, tables.rows[4 * pp] + (tables.rows[4 * pp + 2] - 1) * dh + 1)
        }
        let plane = (n * c + c0) * h * w
        if hLo < hHi {
            transpose.run(rows: channels, columns: (hHi - hLo) * w, x + plane + hLo * w, h * w, input, channels)
        }
        for pp in p0..<p1 {
            let (hs, rlo, rhi, rowCount) = (tables.rows[4 * pp], tables.rows[4 * pp + 1], tables.rows[4 * pp + 2], tables.rows[4 * pp + 3])
            for rr in rlo..<rhi {
                rowPointers[rr - rlo] = UnsafePointer(input + (hs + rr * dh - hLo) * w * channels)
                rowTaps[rr - rlo] = rr
            }
            let o = (pp - p0) * q * channels
            switch plan.mode {
            case .average:
                kernels.averageRow(
                    rows: rowPointers, count: rhi - rlo, columns: tables.columns, q: q, c: channels, dw: dw,
                    rowCount: rowCount, divisorOverride: plan.divisorOverride ?? 0, out: output + o, stream: false)
            case .max:
                kernels.maxRow(
                    rows: rowPointers, rowTaps: rowTaps, count: rhi - rlo, columns: tables.columns, q: q, c: channels,
                    s: s, dw: dw, out: output + o, arg: arg == nil ? nil : argBand + o * 4, argBytes: arg == nil ? 0 : 4,
                    tapPointers: tapPointers, tapIds: tapIds, stream: false)
            }
        }
        // The band back to NCHW: (rows · Q, channels) → (channels, rows · Q) with rows P · Q apart.
        let target = (n * c + c0) * p * q + p0 * q
        transpose.run(rows: (p1 - p0) * q, columns: channels, output, channels, y + target, p * q)
        if let arg, let argTranspose {
            let pixels = (p1 - p0) * q
            argTranspose.run(
                rows: pixels, columns: channels, argBand.assumingMemoryBound(to: Float.self), channels,
                argPlanes.assumingMemoryBound(to: Float.self), pixels)
            let taps = argPlanes.assumingMemoryBound(to: Int32.self)
            for ch in 0..<channels {
                let (from, to) = (taps + ch * pixels, arg + target + ch * p * q)
                for e in 0..<pixels { to[e] = I(truncatingIfNeeded: from[e]) }
            }
        }
    }
    }
}
