/// How the weight gradient's reduction over output pixels is split: a number of pixels that
/// depends on the shape only, never on the thread count, so the sum is the same bit for bit
/// whatever the number of threads.
struct ReductionSplit {
    let pixelsPerSplit: Int
    let splits: Int

    init(pixels: Int) {
        // At most 32 partial sums, each over at least 2048 pixels.
        pixelsPerSplit = max(2048, (pixels + 31) / 32)
        splits = max(1, (pixels + pixelsPerSplit - 1) / pixelsPerSplit)
    }
}

/// The fast weight and bias gradients: a GEMM whose depth is the output pixels.
///
/// In the forward pass this was: `y[m, g·K/G + k] += A[m, (r, s, c)] · w[r, s, c, g·K/G + k]`,
/// so now we have `dw[(r, s, c), k] = Σ_m A[m, (r, s, c)] · dy[m, g·K/G + k]`, with
/// `A[m, (r, s, c)] = x[n, p·sh + r·dh − pt, q·sw + s·dw − pl, g·C/G + c]` as in the forward pass,
/// and `db[k] = Σ_m dy[m, k]`. Each split of the pixels sums into its own partial gradient;
/// the partials are added in split order.
///
/// x is (N, H, W, C), dy is (N, P, Q, K); dw is (R, S, C/G, K) and db is (K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardWeightsFast<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, dy: UnsafeBufferPointer<T>, dw: UnsafeMutableBufferPointer<T>,
    db: UnsafeMutableBufferPointer<T>?, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int
) {
    guard let x = x.baseAddress, let dy = dy.baseAddress, let dw = dw.baseAddress else { return }
    let gemm = PackedGEMM<T>()
    let taps = TapTable(g, paddingMode: paddingMode)
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let (r, s, h, w) = (g.kernelHeight, g.kernelWidth, g.inputHeight, g.inputWidth)
    let (pq, q) = (g.outputHeight * g.outputWidth, g.outputWidth)
    let pixels = g.batch * pq
    let rows = r * s * cg
    let split = ReductionSplit(pixels: pixels)
    let blocking = GEMMBlocking(gemm, depth: min(pixels, 256))
    let rowBlocks = (rows + blocking.rowsPerBlock - 1) / blocking.rowsPerBlock
    let partialSize = rows * k
    let aSize = gemm.packedASize(rows: blocking.rowsPerBlock, kc: blocking.depthPerBlock)
    let bSize = gemm.packedBSize(columns: kg, kc: blocking.depthPerBlock)
    let items = g.groups * split.splits * rowBlocks
    let participants = min(threads, items)

    taps.rows.withUnsafeBufferPointer { tapRows in
        taps.columns.withUnsafeBufferPointer { tapColumns in
            let partialBytes = split.splits * (partialSize + k) * MemoryLayout<T>.stride
            ScratchPool.shared.withBuffers(count: 1, bytes: partialBytes) { shared in
                // Partial dw of split t at t · partialSize, partial db of split t after all of them.
                let partials = shared[0].assumingMemoryBound(to: T.self)
                partials.initialize(repeating: 0, count: split.splits * (partialSize + k))
                let biasPartials = partials + split.splits * partialSize
                let scratchBytes = (aSize + bSize) * MemoryLayout<T>.stride + blocking.rowsPerBlock * MemoryLayout<Int>.stride
                ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                    ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                        let group = item / (split.splits * rowBlocks)
                        let splitIndex = item / rowBlocks % split.splits
                        let row0 = item % rowBlocks * blocking.rowsPerBlock
                        let count = min(blocking.rowsPerBlock, rows - row0)
                        let packedA = scratch[participant].assumingMemoryBound(to: T.self)
                        let packedB = packedA + aSize
                        let rowOffsets = (scratch[participant] + (aSize + bSize) * MemoryLayout<T>.stride)
                            .assumingMemoryBound(to: Int.self)
                        let partial = partials + splitIndex * partialSize
                        for i in 0..<count { rowOffsets[i] = (row0 + i) * k + group * kg }
                        let first = splitIndex * split.pixelsPerSplit
                        let last = min(first + split.pixelsPerSplit, pixels)
                        for m0 in stride(from: first, to: last, by: blocking.depthPerBlock) {
                            let kc = min(blocking.depthPerBlock, last - m0)
                            gemm.packB(dy, ld: k, row0: m0, kc: kc, column0: group * kg, n: kg, into: packedB)
                            if row0 == 0 {
                                // in the forward pass this was: y[m, k] += b[k], so now we have:
                                for m in m0 ..< m0 + kc {
                                    for j in 0..<kg { biasPartials[splitIndex * k + group * kg + j] += dy[m * k + group * kg + j] }
                                }
                            }
                            // Pack A[(r, s, c) rows row0 ..< row0 + count, pixels m0 ..< m0 + kc].
                            for t in 0..<kc {
                                let m = m0 + t
                                let (n, pp, qq) = (m / pq, m % pq / q, m % q)
                                var i = 0
                                var tap = row0 / cg
                                var channel = row0 % cg
                                while i < count {
                                    let run = min(cg - channel, count - i)
                                    let ih = tapRows[pp * r + tap / s]
                                    let iw = tapColumns[qq * s + tap % s]
                                    for u in 0..<run {
                                        let row = i + u
                                        packedA[(row / gemm.mr) * gemm.mr * kc + t * gemm.mr + row % gemm.mr] =
                                            ih >= 0 && iw >= 0 ? x[((n * h + ih) * w + iw) * c + group * cg + channel + u] : 0
                                    }
                                    i += run
                                    tap += 1
                                    channel = 0
                                }
                            }
                            zeroPanelTail(packedA, rows: count, kc: kc, mr: gemm.mr)
                            gemm.run(m: count, n: kg, kc: kc, a: packedA, b: packedB, c: partial, rowOffsets: rowOffsets, accumulate: true)
                        }
                    }
                }
                // The partials, added in split order.
                for i in 0..<partialSize {
                    var sum = partials[i]
                    for t in 1..<max(split.splits, 1) { sum += partials[t * partialSize + i] }
                    dw[i] = sum
                }
                if let db = db?.baseAddress {
                    for j in 0..<k {
                        var sum: T = 0
                        for t in 0..<split.splits { sum += biasPartials[t * k + j] }
                        db[j] = sum
                    }
                }
            }
        }
    }
}
