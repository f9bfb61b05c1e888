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

/// `out[i] = Σ_t partials[t · stride + i]` for `i < count`, each sum in the order of t; blocks of
/// elements run in parallel, so the result does not depend on the thread count.
func addPartials<T: ConvKitFloat>(
    _ partials: UnsafePointer<T>, parts: Int, count: Int, stride: Int, into out: UnsafeMutablePointer<T>, threads: Int
) {
    let block = 16384
    let blocks = (count + block - 1) / block
    ThreadPool.shared.parallelFor(blocks, threads: min(threads, blocks)) { b, _ in
        // Runs of 512 elements, one partial after the other: contiguous loops the compiler
        // vectorises, and the same additions in the same order as element by element.
        for start in Swift.stride(from: b * block, to: min(count, (b + 1) * block), by: 512) {
            let end = min(count, start + 512, (b + 1) * block)
            let target = out + start
            target.update(from: partials + start, count: end - start)
            for t in 1..<max(parts, 1) {
                let source = partials + t * stride + start
                for i in 0..<(end - start) { target[i] += source[i] }
            }
        }
    }
}

/// The fast weight and bias gradients: a GEMM whose depth is the output pixels, with neither
/// operand packed.
///
/// In the forward pass this was: `y[m, g·K/G + k] += A[m, (r, s, c)] · w[r, s, c, g·K/G + k]`,
/// so now we have `dw[(r, s, c), k] = Σ_m A[m, (r, s, c)] · dy[m, g·K/G + k]`, with
/// `A[m, (r, s, c)] = x[n, p·sh + r·dh − pt, q·sw + s·dw − pl, g·C/G + c]` read through the
/// tap pointers of each pixel, and `db[k] = Σ_m dy[m, k]`. Each split of the pixels sums into
/// its own partial gradient; the partials are added in split order.
///
/// x is (N, H, W, C), dy is (N, P, Q, K); dw is (R, S, C/G, K) and db is (K).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardWeightsFast<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, dy: UnsafeBufferPointer<T>, dw: UnsafeMutableBufferPointer<T>,
    db: UnsafeMutableBufferPointer<T>?, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int
) {
    guard let x = x.baseAddress, let dy = dy.baseAddress, let dw = dw.baseAddress else { return }
    let policy = KernelPolicy.current
    if let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: policy) {
        conv2dBackwardWeightsSmallChannels(
            x: x.asFloat, dy: dy.asFloat, dw: dw.asFloat, db: db?.baseAddress?.asFloat, plan: plan, threads: threads)
        return
    }
    let gemm = PackedGEMM<T>(policy)
    let taps = TapTable(g, paddingMode: paddingMode)
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let tapCount = g.kernelHeight * g.kernelWidth
    let pq = g.outputHeight * g.outputWidth
    let pixels = g.batch * pq
    let rows = tapCount * cg
    let split = ReductionSplit(pixels: pixels)
    let pixelsPerChunk = 64
    let rowsPerBlock = 128
    let rowBlocks = (rows + rowsPerBlock - 1) / rowsPerBlock
    // An item runs a band of row blocks over its split, chunk by chunk, so the row blocks share
    // each chunk of dy while it is in cache; bands are split only as far as parallelism needs.
    let wantedBands = max(1, min(rowBlocks, (8 + split.splits - 1) / split.splits))
    let blocksPerBand = (rowBlocks + wantedBands - 1) / wantedBands
    // Every band holds at least one block (18 blocks in 8 bands of 3 are 6 bands).
    let bands = (rowBlocks + blocksPerBand - 1) / blocksPerBand
    let partialSize = rows * k
    let items = g.groups * split.splits * bands
    let participants = min(threads, items)
    let zeros = [T](repeating: 0, count: cg)

    taps.rows.withUnsafeBufferPointer { tapRows in
        taps.columns.withUnsafeBufferPointer { tapColumns in
            zeros.withUnsafeBufferPointer { zeros in
                guard let zeroRow = zeros.baseAddress else { return }
                let partialBytes = split.splits * (partialSize + k) * MemoryLayout<T>.stride
                ScratchPool.shared.withBuffers(count: 1, bytes: partialBytes) { shared in
                    // Partial dw of split t at t · partialSize, partial db of split t after all of them.
                    let partials = shared[0].assumingMemoryBound(to: T.self)
                    // The first chunk of each split writes its partial dw; only the bias sums start at zero.
                    let biasPartials = partials + split.splits * partialSize
                    biasPartials.initialize(repeating: 0, count: split.splits * k)
                    let scratchBytes = pixelsPerChunk * tapCount * MemoryLayout<UnsafePointer<T>>.stride
                        + rowsPerBlock * MemoryLayout<Int>.stride
                    ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                        ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                            let group = item / (split.splits * bands)
                            let splitIndex = item / bands % split.splits
                            let band = item % bands
                            let pointers = scratch[participant].assumingMemoryBound(to: UnsafePointer<T>.self)
                            let rowOffsets = (scratch[participant] + pixelsPerChunk * tapCount * MemoryLayout<UnsafePointer<T>>.stride)
                                .assumingMemoryBound(to: Int.self)
                            let groupInput = x + group * cg
                            let first = splitIndex * split.pixelsPerSplit
                            let last = min(first + split.pixelsPerSplit, pixels)
                            let bandRows = band * blocksPerBand * rowsPerBlock ..< min(rows, (band + 1) * blocksPerBand * rowsPerBlock)
                            for m0 in stride(from: first, to: last, by: pixelsPerChunk) {
                                let chunk = min(pixelsPerChunk, last - m0)
                                forwardTapPointers(
                                    base: groupInput, pixelStride: c, m0: m0, count: chunk, geometry: g,
                                    tapRows: tapRows, tapColumns: tapColumns, zero: zeroRow, into: pointers)
                                for row0 in stride(from: bandRows.lowerBound, to: bandRows.upperBound, by: rowsPerBlock) {
                                    let count = min(rowsPerBlock, bandRows.upperBound - row0)
                                    // Rows of this block: (tap, channel) = row0 + i, counted from tap 0.
                                    for i in 0..<count { rowOffsets[i] = (row0 + i) * k + group * kg }
                                    gemm.runWeightGradient(
                                        m: count, n: kg, depth: chunk, taps: tapCount, channels: cg,
                                        rows: pointers, rowBase: row0, b: dy + m0 * k + group * kg, ldb: k,
                                        c: partials + splitIndex * partialSize, rowOffsets: rowOffsets, accumulate: m0 != first)
                                }
                                if band == 0 {
                                    // in the forward pass this was: y[m, k] += b[k], so now we have:
                                    let sum = biasPartials + splitIndex * k + group * kg
                                    var row = dy + m0 * k + group * kg
                                    for _ in 0..<chunk {
                                        for j in 0..<kg { sum[j] += row[j] }
                                        row += k
                                    }
                                }
                            }
                        }
                    }
                    addPartials(partials, parts: split.splits, count: partialSize, stride: partialSize, into: dw, threads: threads)
                    if let db = db?.baseAddress {
                        addPartials(biasPartials, parts: split.splits, count: k, stride: k, into: db, threads: 1)
                    }
                }
            }
        }
    }
}
