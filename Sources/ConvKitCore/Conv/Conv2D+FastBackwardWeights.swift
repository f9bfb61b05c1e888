import CConvKitKernels

/// How the weight gradient's reduction over output pixels is split: a number of pixels that
/// depends on the shape only, never on the thread count, so the sum is the same bit for bit
/// whatever the number of threads.
struct ReductionSplit {
    let pixelsPerSplit: Int
    let splits: Int

    init(pixels: Int) {
        // At most 32 partial sums, each over at least about 4096 pixels (2048 took 4 % longer on
        // resnet-28's weight gradient: more partials to add), all of one size (12,544 pixels in
        // splits of 4096 left a last one of 256, and one thread with less to do).
        let most = max(4096, (pixels + 31) / 32)
        // Several splits come in fours, so that 2 or 4 threads get as many each when a split is
        // an item (pointwise-56's 13 left one of two threads 7 and the other 6). At least 1024
        // pixels each, so none is empty.
        let wanted = max(1, (pixels + most - 1) / most)
        splits = wanted > 1 ? (wanted + 3) / 4 * 4 : 1
        pixelsPerSplit = max(1, (pixels + splits - 1) / splits)
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

/// The fast weight and bias gradients: a GEMM whose depth is the output pixels, with the input
/// read in place and the output gradient packed a chunk of pixels at a time.
///
/// In the forward pass this was: `y[m, g·K/G + k] += A[m, (r, s, c)] · w[r, s, c, g·K/G + k]`,
/// so now we have `dw[(r, s, c), k] = Σ_m A[m, (r, s, c)] · dy[m, g·K/G + k]`, with
/// `A[m, (r, s, c)] = x[n, p·sh + r·dh − pt, q·sw + s·dw − pl, g·C/G + c]` read through the
/// tap pointers of each pixel, and `db[k] = Σ_m dy[m, k]`. Each split of the pixels sums into
/// its own partial gradient, chunk by chunk; the partials are added in split order.
///
/// x is (N, H, W, C), dy is (N, P, Q, K); dw is (R, S, C/G, K) and db is (K). Where `algorithm`
/// chooses Winograd, its dual algorithm computes both (``WinogradConvolution``).
///
/// Where ``weightGradientNCHWOperands(_:paddingMode:algorithm:scalar:)`` allows, dy may be
/// (N, K, P, Q) (`dyLayout` `.nchw`): the GEMM packs its chunks straight from its planes, the
/// small-channel kernels read each run's pixels through scratch. So may a pointwise GEMM's x be
/// (N, C, H, W) (`xLayout`), read a chunk of pixels at a time through scratch, and the
/// small-channel kernels' x, whose bands are packed from its planes; Winograd reads both of a
/// large convolution, each chunk's rows through scratch. The sums are the same bit for bit.
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardWeightsFast<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, dy: UnsafeBufferPointer<T>, dw: UnsafeMutableBufferPointer<T>,
    db: UnsafeMutableBufferPointer<T>?, geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int,
    algorithm: ConvAlgorithm = .fast, dyLayout: TensorLayout = .nhwc, xLayout: TensorLayout = .nhwc
) {
    guard let x = x.baseAddress, let dy = dy.baseAddress, let dw = dw.baseAddress else { return }
    let policy = KernelPolicy.current
    let pq = g.outputHeight * g.outputWidth
    if let winograd = WinogradConvolution(weightGradient: g, paddingMode: paddingMode, algorithm: algorithm) {
        assert(dyLayout == xLayout, "Winograd's weight gradient reads x and dy in one layout")
        winograd.weightGradient(x: x, dy: dy, dw: dw, db: db?.baseAddress, layout: dyLayout, threads: threads, policy: policy)
        return
    }
    if let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: policy, inputLayout: xLayout) {
        conv2dBackwardWeightsSmallChannels(
            x: x.asFloat, dy: dy.asFloat, dw: dw.asFloat, db: db?.baseAddress?.asFloat,
            dyPlanes: dyLayout == .nchw ? NCHWReader<Float>(policy, pixelsPerImage: pq, imageStride: g.outputChannels * pq) : nil,
            plan: plan, threads: threads)
        return
    }
    assert(xLayout == .nhwc || g.isPointwise || paddingMode == .zeros, "an NCHW x needs zero padding or a pointwise convolution")
    // NCHW operands: chunks of dy's planes packed as panels, chunks of a pointwise x as rows.
    let dyPlanes = dyLayout == .nchw ? NCHWReader<T>(policy, pixelsPerImage: pq, imageStride: g.outputChannels * pq) : nil
    let xPlanes = xLayout == .nchw
        ? NCHWReader<T>(policy, pixelsPerImage: g.inputHeight * g.inputWidth, imageStride: g.inputChannels * g.inputHeight * g.inputWidth)
        : nil
    let gemm = PackedGEMM<T>(policy)
    let taps = TapTable(g, paddingMode: paddingMode)
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let tapCount = g.kernelHeight * g.kernelWidth
    let pixels = g.batch * pq
    let rows = tapCount * cg
    let split = ReductionSplit(pixels: pixels)
    // The pixels packed (and, for an NHWC dy, fetched ahead) at a time; fixed, and a multiple of
    // the kernel's chains of CK_WEIGHT_GRADIENT_CHAIN pixels, so that every instruction set and
    // thread count adds the same chains. An NCHW dy's planes are read in runs of this length
    // (runs of 128 took pointwise-56's NCHW weight gradient 10 % longer).
    let pixelsPerChunk = 2 * Int(CK_WEIGHT_GRADIENT_CHAIN)
    // An item runs a band of rows over its split, chunk by chunk (packing its chunks of dy for
    // itself). Bands do not change the sums, so they follow the threads: a band's partial of at
    // most 1 MB so that it stays in L2, then more bands until every thread has as many items,
    // as long as a band keeps 16 tiles of rows (smaller ones waste the edge tiles; mnist-conv2's
    // 4 splits at 2 threads: 10 % faster in 2 bands; pointwise-56's 64 rows: 7 % slower in 2).
    let mr = gemm.weightGradientMR
    var wantedBands = max(1, min(rows, (rows * kg * MemoryLayout<T>.stride + (1 << 20) - 1) >> 20))
    while (g.groups * split.splits * wantedBands) % max(1, threads) != 0, rows / (wantedBands + 1) >= 16 * mr {
        wantedBands += 1
    }
    // Whole tiles in every band but the last.
    let rowsPerBand = ((rows + wantedBands - 1) / wantedBands + mr - 1) / mr * mr
    // Every band holds at least one row (9 rows in 4 bands of 3 are 3 bands).
    let bands = (rows + rowsPerBand - 1) / rowsPerBand
    let partialSize = rows * k
    let items = g.groups * split.splits * bands
    let participants = min(threads, items)
    let zeros = [T](repeating: 0, count: cg)
    let packedSize = gemm.panelsSize(rows: pixelsPerChunk, columns: kg, nr: gemm.weightGradientNR)

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
                    // Per participant: the packed dy first (the buffer's 64-byte alignment is the
                    // panels'), then an NCHW x's pixels (a pointwise convolution's, or the input
                    // rows a chunk reads), the tap pointers and the row offsets.
                    let packedBytes = packedSize * MemoryLayout<T>.stride
                    let stagedPixels = xPlanes == nil ? 0 : g.isPointwise ? pixelsPerChunk : (0..<split.splits).flatMap { s in
                        let (first, last) = (s * split.pixelsPerSplit, min((s + 1) * split.pixelsPerSplit, pixels))
                        return stride(from: first, to: last, by: pixelsPerChunk).map {
                            g.inputRows(outputPixels: $0, count: min(pixelsPerChunk, last - $0)).count * g.inputWidth
                        }
                    }.max() ?? 0
                    let inputBytes = (stagedPixels * cg * MemoryLayout<T>.stride + 63) / 64 * 64
                    let pointerBytes = pixelsPerChunk * tapCount * MemoryLayout<UnsafePointer<T>>.stride
                    let scratchBytes = packedBytes + inputBytes + pointerBytes + rowsPerBand * MemoryLayout<Int>.stride
                    ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                        ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                            let group = item / (split.splits * bands)
                            let splitIndex = item / bands % split.splits
                            let band = item % bands
                            let packed = scratch[participant].assumingMemoryBound(to: T.self)
                            let inputRows = (scratch[participant] + packedBytes).assumingMemoryBound(to: T.self)
                            let pointers = (scratch[participant] + packedBytes + inputBytes)
                                .assumingMemoryBound(to: UnsafePointer<T>.self)
                            let rowOffsets = (scratch[participant] + packedBytes + inputBytes + pointerBytes)
                                .assumingMemoryBound(to: Int.self)
                            let groupInput = x + group * cg
                            let first = splitIndex * split.pixelsPerSplit
                            let last = min(first + split.pixelsPerSplit, pixels)
                            let bandRows = band * rowsPerBand ..< min(rows, (band + 1) * rowsPerBand)
                            // Rows of this band: (tap, channel) = bandRows.lowerBound + i, counted from tap 0.
                            for i in 0..<bandRows.count { rowOffsets[i] = (bandRows.lowerBound + i) * k + group * kg }
                            for m0 in stride(from: first, to: last, by: pixelsPerChunk) {
                                let chunk = min(pixelsPerChunk, last - m0)
                                if let xPlanes, g.isPointwise {
                                    // Pointwise: pixel m0 + i reads the input pixel m0 + i alone.
                                    xPlanes.read(
                                        x + group * cg * xPlanes.pixelsPerImage, channels: cg, pixels: m0, count: chunk,
                                        into: inputRows, ld: cg)
                                    for i in 0..<chunk { pointers[i] = UnsafePointer(inputRows + i * cg) }
                                } else if let xPlanes {
                                    stagedTapPointers(
                                        xPlanes, planes: x + group * cg * xPlanes.pixelsPerImage, channels: cg, m0: m0,
                                        count: chunk, geometry: g, tapRows: tapRows, tapColumns: tapColumns, zero: zeroRow,
                                        staged: inputRows, into: pointers)
                                } else {
                                    forwardTapPointers(
                                        base: groupInput, pixelStride: c, m0: m0, count: chunk, geometry: g,
                                        tapRows: tapRows, tapColumns: tapColumns, zero: zeroRow, into: pointers)
                                }
                                // An NCHW dy is packed from its planes first; an NHWC one by the kernel
                                // as it first reads its rows.
                                if let dyPlanes {
                                    packPlanes(
                                        dy, dyPlanes, pixels: m0, count: chunk, columns: group * kg ..< (group + 1) * kg,
                                        nr: gemm.weightGradientNR, into: packed)
                                }
                                // An NHWC dy's next chunk is fetched while this one is multiplied.
                                let nextChunk = min(pixelsPerChunk, last - m0 - chunk)
                                gemm.runWeightGradient(
                                    m: bandRows.count, n: kg, depth: chunk, taps: tapCount, channels: cg,
                                    rows: pointers, rowBase: bandRows.lowerBound, b: packed,
                                    bSource: dyPlanes == nil ? dy + m0 * k + group * kg : nil, ldSource: k,
                                    next: dyPlanes == nil && nextChunk > 0 ? (dy + (m0 + chunk) * k + group * kg, nextChunk) : nil,
                                    c: partials + splitIndex * partialSize, rowOffsets: rowOffsets, accumulate: m0 != first)
                                if band == 0 {
                                    // in the forward pass this was: y[m, k] += b[k], so now we have:
                                    gemm.addPanelSums(
                                        packed, rows: chunk, columns: kg, into: biasPartials + splitIndex * k + group * kg)
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

/// Which operands ``conv2dBackwardWeightsFast(x:dy:dw:db:geometry:paddingMode:threads:algorithm:dyLayout:xLayout:)``
/// reads in place from NCHW tensors for this convolution: dy for its GEMM and the small-channel
/// kernels; x for a pointwise convolution on the GEMM, for the GEMM with zero padding (each
/// chunk's input rows through scratch) and for the small-channel kernels (any padding: their
/// plan maps it); and both for Winograd where ``WinogradConvolution/stagesRows(_:)``.
func weightGradientNCHWOperands<T: ConvKitFloat>(
    _ g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm, scalar: T.Type
) -> (dy: Bool, x: Bool) {
    if let winograd = WinogradConvolution(weightGradient: g, paddingMode: paddingMode, algorithm: algorithm) {
        let staged = winograd.stagesRows(T.self)
        return (staged, staged)
    }
    return (true, g.isPointwise || paddingMode == .zeros
        || SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: .current) != nil)
}

/// Packs pixels `m0 ..< m0 + count` of an NCHW dy's channels `columns` into panels of `nr`
/// columns (``PackedGEMM/packB(_:ld:row0:kc:column0:n:into:nr:)``'s layout), each panel the
/// transpose of its planes' chunk.
private func packPlanes<T: ConvKitFloat>(
    _ dy: UnsafePointer<T>, _ planes: NCHWReader<T>, pixels m0: Int, count: Int, columns: Range<Int>, nr: Int,
    into packed: UnsafeMutablePointer<T>
) {
    for j0 in stride(from: 0, to: columns.count, by: nr) {
        let width = min(nr, columns.count - j0)
        let panel = packed + j0 * count
        planes.read(
            dy + (columns.lowerBound + j0) * planes.pixelsPerImage, channels: width, pixels: m0, count: count,
            into: panel, ld: nr)
        // The last panel's columns past the matrix are zeros, as packB leaves them.
        if width < nr {
            for p in 0..<count { (panel + p * nr + width).update(repeating: 0, count: nr - width) }
        }
    }
}
