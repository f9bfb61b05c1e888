/// The weight gradient of a convolution Winograd computes, by the dual algorithm F(3 × 3, 2 × 2).
///
/// In the forward pass this was: `y[n, p, q, k] += xPad[n, p + r, q + s, c] · w[r, s, c, k]`,
/// so now we have `dw[r, s, c, k] = Σ_{n, p, q} xPad[n, p + r, q + s, c] · dy[n, p, q, k]`: over
/// each 2 × 2 tile of dy, the correlation of the 4 × 4 input tile under it with the tile, a
/// 3 × 3 result from 16 products `(A e Aᵀ) ⊙ (Bᵀ d B)`, turned back by `Gᵀ · G`. Summed over the
/// tiles, the products are 16 GEMMs `M[ξ][c][k] = Σ_t V[t][ξ][c] · E[t][ξ][k]` (the weight
/// gradient's kernel, its depth the tiles), then `dw = Gᵀ M G` once.
///
/// The sum over tiles is split by the shape alone, and the partial sums are added in split
/// order: the bits do not depend on the thread count; bands of the 16 GEMMs follow the threads
/// without changing any sum. NCHW operands pass each chunk's rows through scratch, as the
/// forward pass's blocks do (Conv2D+WinogradPlanes.swift), with the same sums.
extension WinogradConvolution {
    /// The weight gradient of the forward convolution `g`, if `algorithm` chooses Winograd for it.
    init?(weightGradient g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm) {
        self.init(forward: g, paddingMode: paddingMode, algorithm: algorithm)
    }

    /// dw (3, 3, C, K) of x (N, H, W, C) and dy (N, P, Q, K), or for `layout` `.nchw` x
    /// (N, C, H, W) and dy (N, K, P, Q), every element written; db (K), if given, is `Σ dy` over
    /// the pixels, in pixel order.
    func weightGradient<T: ConvKitFloat>(
        x: UnsafePointer<T>, dy: UnsafePointer<T>, dw: UnsafeMutablePointer<T>, db: UnsafeMutablePointer<T>?,
        layout: TensorLayout = .nhwc, threads: Int, policy: KernelPolicy
    ) {
        let kernels = WinogradKernels<T>(policy)
        let gemm = PackedGEMM<T>(policy)
        let (c, k, nr) = (inputChannels, outputChannels, gemm.weightGradientNR)
        // Tiles per GEMM call (its chain of FMAs before the partial): V and E of a chunk about
        // 1 MiB together, whatever the threads, so that the sums depend on the shape only.
        let chunkTiles = max(16, min(256, (1 << 20) / (16 * (c + k) * MemoryLayout<T>.stride)))
        // Splits of the tiles with partial sums of their own, by the shape alone: 2, or 4 from
        // 8192 tiles (a partial is 16 C K elements), so that 2 or 4 threads share them without
        // transforming a tile twice (measured at 2 threads: resnet-56 8.8 ms in 4 splits, 10.7 in 8).
        let splits = tiles >= 8192 ? 4 : tiles >= 2 ? 2 : 1
        let tilesPerSplit = (tiles + splits - 1) / splits
        let partialSize = 16 * c * k
        // Bands of ξ for the threads (each band transforms its chunks again; the transforms are
        // a few percent of the GEMMs).
        var bands = 1
        while bands < 16, (splits * bands) % max(1, threads) != 0 { bands *= 2 }
        let items = splits * bands
        let participants = min(threads, items)
        let eSize = gemm.panelsSize(rows: chunkTiles, columns: k, nr: nr)
        let zeros = [T](repeating: 0, count: c)
        let bytes = (chunkTiles * 16 * c + 16 * eSize) * MemoryLayout<T>.stride
        let pointerBytes = chunkTiles * (16 + 4 + 1) * MemoryLayout<UnsafeRawPointer>.stride + c * MemoryLayout<Int>.stride
        // NCHW: room for the most input and output-gradient rows a chunk reads, as NHWC pixels.
        let chunks = (0..<splits).flatMap { split in
            let (first, last) = (split * tilesPerSplit, min(tiles, (split + 1) * tilesPerSplit))
            return stride(from: first, to: last, by: chunkTiles).map { ($0, min(chunkTiles, last - $0)) }
        }
        let (xRows, dyRows) = layout == .nchw
            ? (mostRows(chunks, inputRows) * width * c, mostRows(chunks, outputRows) * outputWidth * k) : (0, 0)
        let stagedBytes = (xRows + dyRows) * MemoryLayout<T>.stride
        zeros.withUnsafeBufferPointer { zeros in
            guard let zeroRow = zeros.baseAddress else { return }
            // The splits' partial sums, then their total M.
            ScratchPool.shared.withBuffers(count: 1, bytes: (splits + 1) * partialSize * MemoryLayout<T>.stride) { shared in
                let partials = shared[0].assumingMemoryBound(to: T.self)
                let total = partials + splits * partialSize
                ScratchPool.shared.withBuffers(count: participants, bytes: bytes + pointerBytes + stagedBytes) { scratch in
                    // The panels' padding columns are never written: zero them once.
                    for buffer in scratch { buffer.initializeMemory(as: T.self, repeating: 0, count: bytes / MemoryLayout<T>.stride) }
                    ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                        let (splitIndex, band) = (item / bands, item % bands)
                        let v = scratch[participant].assumingMemoryBound(to: T.self)
                        let e = v + chunkTiles * 16 * c
                        let pointers = scratch[participant] + bytes
                        let inputs = pointers.assumingMemoryBound(to: UnsafePointer<T>.self)
                        let gradients = (pointers + chunkTiles * 16 * MemoryLayout<UnsafeRawPointer>.stride)
                            .assumingMemoryBound(to: UnsafeMutablePointer<T>?.self)
                        let rows = (pointers + chunkTiles * 20 * MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: UnsafePointer<T>.self)
                        let rowOffsets = (pointers + chunkTiles * 21 * MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: Int.self)
                        for i in 0..<c { rowOffsets[i] = i * k }
                        let staged = (scratch[participant] + bytes + pointerBytes).assumingMemoryBound(to: T.self)
                        let partial = partials + splitIndex * partialSize
                        let first = splitIndex * tilesPerSplit
                        let last = min(tiles, first + tilesPerSplit)
                        for t0 in stride(from: first, to: last, by: chunkTiles) {
                            let count = min(chunkTiles, last - t0)
                            // dy's 2 × 2 tiles are the forward pass's output tiles.
                            var xPixels = TilePixels(base: UnsafeMutablePointer(mutating: x), origin: 0, stride: c)
                            var dyPixels = TilePixels(base: UnsafeMutablePointer(mutating: dy), origin: 0, stride: k)
                            if layout == .nchw {
                                xPixels = stage(
                                    x, channels: c, planeRows: height, planeColumns: width, rows: inputRows(t0, count),
                                    into: staged, policy: policy)
                                dyPixels = stage(
                                    dy, channels: k, planeRows: outputHeight, planeColumns: outputWidth,
                                    rows: outputRows(t0, count), into: staged + xRows, policy: policy)
                            }
                            tilePointers(
                                t0, count, x: xPixels, zeroRow: zeroRow, out: dyPixels, inputs: inputs, outputs: gradients)
                            kernels.input(tiles: count, c: c, pixels: inputs, v: v, ldv: c)
                            let xiStride = gemm.panelsSize(rows: count, columns: k, nr: nr)
                            kernels.gradient(
                                tiles: count, k: k, pixels: UnsafeRawPointer(gradients).assumingMemoryBound(to: UnsafePointer<T>?.self),
                                e: e, xiStride: xiStride, panelStride: count * nr, nr: nr)
                            for xi in (band * 16 / bands)..<((band + 1) * 16 / bands) {
                                for t in 0..<count { rows[t] = UnsafePointer(v + (16 * t + xi) * c) }
                                gemm.runWeightGradient(
                                    m: c, n: k, depth: count, taps: 1, channels: c, rows: rows, rowBase: 0,
                                    b: e + xi * xiStride, c: partial + xi * c * k, rowOffsets: rowOffsets, accumulate: t0 != first)
                            }
                        }
                    }
                }
                addPartials(partials, parts: splits, count: partialSize, stride: partialSize, into: total, threads: threads)
                let chunk = (c + threads - 1) / threads
                ThreadPool.shared.parallelFor((c + chunk - 1) / chunk, threads: threads) { item, _ in
                    kernels.weightGradient(c0: item * chunk, c1: min(c, (item + 1) * chunk), c: c, k: k, m: total, xiStride: c * k, dw: dw)
                }
            }
        }
        guard let db else { return }
        // in the forward pass this was: y[m, k] += b[k], so now we have:
        db.initialize(repeating: 0, count: k)
        // Each channel's sum in pixel order, over NHWC rows: dy's own, or an NCHW dy's pixels
        // transposed into rows a run at a time.
        func add(_ rows: UnsafePointer<T>, count: Int) {
            var row = rows
            for _ in 0..<count {
                for j in 0..<k { db[j] += row[j] }
                row += k
            }
        }
        let pixels = batch * outputHeight * outputWidth
        guard layout == .nchw else { return add(dy, count: pixels) }
        let pq = outputHeight * outputWidth
        guard let reader = NCHWReader<T>(policy, pixelsPerImage: pq, imageStride: k * pq) else { return }
        let run = 256
        ScratchPool.shared.withBuffers(count: 1, bytes: run * k * MemoryLayout<T>.stride) { buffer in
            let rows = buffer[0].assumingMemoryBound(to: T.self)
            for m0 in stride(from: 0, to: pixels, by: run) {
                let count = min(run, pixels - m0)
                reader.read(dy, channels: k, pixels: m0, count: count, into: rows, ld: k)
                add(rows, count: count)
            }
        }
    }
}
