/// Where each tap of each output row or column reads the input, padding resolved: entry
/// `[p · R + r]` is the input row that output row `p`, kernel row `r` reads, or −1 for a zero.
struct TapTable {
    let rows: [Int]
    let columns: [Int]

    /// The taps of a forward convolution (or of the weight gradient, which reads the same input).
    init(_ g: Conv2DGeometry, paddingMode: PaddingMode) {
        rows = TapTable.axis(
            outputs: g.outputHeight, taps: g.kernelHeight, stride: g.stride.height, dilation: g.dilation.height,
            before: g.padding.top, size: g.inputHeight, mode: paddingMode)
        columns = TapTable.axis(
            outputs: g.outputWidth, taps: g.kernelWidth, stride: g.stride.width, dilation: g.dilation.width,
            before: g.padding.left, size: g.inputWidth, mode: paddingMode)
    }

    private static func axis(
        outputs: Int, taps: Int, stride: Int, dilation: Int, before: Int, size: Int, mode: PaddingMode
    ) -> [Int] {
        var table = [Int](repeating: -1, count: outputs * taps)
        for o in 0..<outputs {
            for t in 0..<taps {
                table[o * taps + t] = mode.sourceIndex(o * stride + t * dilation, before: before, size: size) ?? -1
            }
        }
        return table
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

/// The fast forward convolution: an implicit GEMM over NHWC, one packed tile at a time.
///
/// For group g, `out[m, g·K/G + j] = bias + Σ_kk A[m, kk] · B[kk, j]` with rows `m = (n, p, q)`,
/// depth `kk = (r, s, c)` and `A[m, (r, s, c)] = x[n, p·sh + r·dh − pt, q·sw + s·dw − pl, g·C/G + c]`
/// (padding resolved by the tap table); B is the weight, which in NHWC is already the matrix
/// `[(r, s, c), k]`. A is never formed whole: each work item packs the block of rows and depth
/// it multiplies.
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; out is (N, P, Q, K).
func conv2dForwardFast<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, bias: UnsafeBufferPointer<T>?,
    out: UnsafeMutableBufferPointer<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int
) {
    guard let x = x.baseAddress, let weight = weight.baseAddress, let out = out.baseAddress else { return }
    let bias = bias?.baseAddress
    let gemm = PackedGEMM<T>()
    let taps = TapTable(g, paddingMode: paddingMode)
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let (s, pq, q) = (g.kernelWidth, g.outputHeight * g.outputWidth, g.outputWidth)
    let (r, h, w) = (g.kernelHeight, g.inputHeight, g.inputWidth)
    let depth = r * s * cg
    let rows = g.batch * pq
    let blocking = GEMMBlocking(gemm, depth: depth)
    let rowBlocks = (rows + blocking.rowsPerBlock - 1) / blocking.rowsPerBlock
    let packedWeightPerGroup = gemm.packedBSize(columns: kg, kc: depth)
    let aSize = gemm.packedASize(rows: blocking.rowsPerBlock, kc: blocking.depthPerBlock)
    let participants = min(threads, g.groups * rowBlocks)

    taps.rows.withUnsafeBufferPointer { tapRows in
        taps.columns.withUnsafeBufferPointer { tapColumns in
            ScratchPool.shared.withBuffers(count: 1, bytes: g.groups * packedWeightPerGroup * MemoryLayout<T>.stride) { shared in
                // B for every group and depth block, packed once: block d of group g starts at
                // g · packedWeightPerGroup + (depth offset) · roundUp(K/G, nr).
                let packedWeight = shared[0].assumingMemoryBound(to: T.self)
                let paddedColumns = (kg + gemm.nr - 1) / gemm.nr * gemm.nr
                for group in 0..<g.groups {
                    for d0 in stride(from: 0, to: depth, by: blocking.depthPerBlock) {
                        let kc = min(blocking.depthPerBlock, depth - d0)
                        gemm.packB(
                            weight, ld: k, row0: d0, kc: kc, column0: group * kg, n: kg,
                            into: packedWeight + group * packedWeightPerGroup + d0 * paddedColumns)
                    }
                }
                let scratchBytes = aSize * MemoryLayout<T>.stride + blocking.rowsPerBlock * MemoryLayout<Int>.stride
                ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                    ThreadPool.shared.parallelFor(g.groups * rowBlocks, threads: participants) { item, participant in
                        let group = item / rowBlocks
                        let m0 = (item % rowBlocks) * blocking.rowsPerBlock
                        let count = min(blocking.rowsPerBlock, rows - m0)
                        let packedA = scratch[participant].assumingMemoryBound(to: T.self)
                        let rowOffsets = (scratch[participant] + aSize * MemoryLayout<T>.stride)
                            .assumingMemoryBound(to: Int.self)
                        for i in 0..<count {
                            rowOffsets[i] = (m0 + i) * k + group * kg
                            let row = out + rowOffsets[i]
                            for j in 0..<kg { row[j] = bias?[group * kg + j] ?? 0 }
                        }
                        for d0 in stride(from: 0, to: depth, by: blocking.depthPerBlock) {
                            let kc = min(blocking.depthPerBlock, depth - d0)
                            // Pack A[m0 ..< m0 + count, d0 ..< d0 + kc] panel by panel.
                            for i in 0..<count {
                                let m = m0 + i
                                let (n, p, qq) = (m / pq, m % pq / q, m % q)
                                let column = packedA + (i / gemm.mr) * gemm.mr * kc + i % gemm.mr
                                var kk = 0
                                var tap = d0 / cg
                                var channel = d0 % cg
                                while kk < kc {
                                    let run = min(cg - channel, kc - kk)
                                    let ih = tapRows[p * r + tap / s]
                                    let iw = tapColumns[qq * s + tap % s]
                                    if ih >= 0 && iw >= 0 {
                                        let source = x + ((n * h + ih) * w + iw) * c + group * cg + channel
                                        for t in 0..<run { column[(kk + t) * gemm.mr] = source[t] }
                                    } else {
                                        for t in 0..<run { column[(kk + t) * gemm.mr] = 0 }
                                    }
                                    kk += run
                                    tap += 1
                                    channel = 0
                                }
                            }
                            zeroPanelTail(packedA, rows: count, kc: kc, mr: gemm.mr)
                            gemm.run(
                                m: count, n: kg, kc: kc, a: packedA,
                                b: packedWeight + group * packedWeightPerGroup + d0 * paddedColumns,
                                c: out, rowOffsets: rowOffsets, accumulate: true)
                        }
                    }
                }
            }
        }
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
