/// Pointwise convolutions (``Conv2DGeometry/isPointwise``) in NCHW, nothing converted: each
/// image's planes are a matrix (channels × pixels), so that the forward pass and the input
/// gradient are GEMMs whose B is a block of the operand's planes and whose C is a block of the
/// result's planes. The sums are NHWC's bit for bit: the packed kernel's chains of FMAs run over
/// the same depth in the same order as the indirect kernel's, and the bias enters first as the
/// product of an extra depth row of ones (`fma(bias, 1, 0)` is the bias).

/// The forward pass of a pointwise convolution in NCHW: `y[n, k, pixel] = b[k] + Σ_c w[k, c] · x[n, c, pixel]`
/// within each group, as `Y_n = [b | W] · [1 ; X_n]` per image and group.
///
/// x is (N, C, H, W), weight is (K, C/G, 1, 1), bias is (K) or nil; out is (N, K, H, W), every
/// element written (it may start uninitialised).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dForwardPointwiseNCHW<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, bias: UnsafeBufferPointer<T>?,
    out: UnsafeMutableBufferPointer<T>, geometry g: Conv2DGeometry, threads: Int, policy: KernelPolicy
) {
    guard let x = x.baseAddress, let weight = weight.baseAddress, let out = out.baseAddress else { return }
    let bias = bias?.baseAddress
    let gemm = PackedGEMM<T>(policy)
    let (cg, kg) = (g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let product = PlaneProduct(
        rows: kg, depth: cg, onesRow: bias != nil, sourceChannels: g.inputChannels, resultChannels: g.outputChannels,
        planePixels: g.inputHeight * g.inputWidth, batch: g.batch, groups: g.groups, gemm: gemm)
    product.run(source: x, result: out, threads: threads) { packedA in
        // A of group g: rows k, depth (1, c): the bias, then row k of the (K, C/G) weight.
        for group in 0..<g.groups {
            let panels = packedA + group * product.packedASize
            for i in 0..<kg {
                let (row, k) = (weight + (group * kg + i) * cg, group * kg + i)
                let column = panels + (i / gemm.mr) * gemm.mr * product.packedDepth + i % gemm.mr
                var p = 0
                if let bias {
                    column[0] = bias[k]
                    p = 1
                }
                for c in 0..<cg { column[(p + c) * gemm.mr] = row[c] }
            }
            zeroPanelTail(panels, rows: kg, kc: product.packedDepth, mr: gemm.mr)
        }
    }
}

/// The input gradient of a pointwise convolution in NCHW.
///
/// In the forward pass this was: `y[n, k, pixel] += w[k, c] · x[n, c, pixel]`, so now we have
/// `dx[n, c, pixel] = Σ_k w[k, c] · dy[n, k, pixel]` within each group: `dX_n = Wᵀ · dY_n`.
///
/// dy is (N, K, H, W), weight is (K, C/G, 1, 1); dx is (N, C, H, W), every element written (it
/// may start uninitialised).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardDataPointwiseNCHW<T: ConvKitFloat>(
    dy: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, dx: UnsafeMutableBufferPointer<T>,
    geometry g: Conv2DGeometry, threads: Int, policy: KernelPolicy
) {
    guard let dy = dy.baseAddress, let weight = weight.baseAddress, let dx = dx.baseAddress else { return }
    let gemm = PackedGEMM<T>(policy)
    let (cg, kg) = (g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let product = PlaneProduct(
        rows: cg, depth: kg, onesRow: false, sourceChannels: g.outputChannels, resultChannels: g.inputChannels,
        planePixels: g.inputHeight * g.inputWidth, batch: g.batch, groups: g.groups, gemm: gemm)
    product.run(source: dy, result: dx, threads: threads) { packedA in
        // A of group g is Wᵀ (rows c, depth k): its panels of mr rows are the (K/G, C/G) weight
        // packed in panels of mr columns.
        for group in 0..<g.groups {
            gemm.packB(
                weight + group * kg * cg, ld: cg, row0: 0, kc: kg, column0: 0, n: cg,
                into: packedA + group * product.packedASize, nr: gemm.mr)
        }
    }
}

/// `result[n, g·rows + i, pixel] = Σ_p A_g[i, p] · source[n, g·depth + p, pixel]` for every image
/// n and group g, with A packed once and each block of an image's pixels packed as B from the
/// source's planes; with `onesRow`, B's depth starts with a row of ones (A's first column is
/// then the bias).
private struct PlaneProduct<T: ConvKitFloat> {
    let rows, depth, sourceChannels, resultChannels, planePixels, batch, groups: Int
    let onesRow: Bool
    let gemm: PackedGEMM<T>
    /// Pixels per block: about 512, whole panels of B, blocks of one size.
    let pixelsPerBlock: Int

    init(
        rows: Int, depth: Int, onesRow: Bool, sourceChannels: Int, resultChannels: Int, planePixels: Int, batch: Int,
        groups: Int, gemm: PackedGEMM<T>
    ) {
        (self.rows, self.depth, self.onesRow, self.sourceChannels, self.resultChannels) =
            (rows, depth, onesRow, sourceChannels, resultChannels)
        (self.planePixels, self.batch, self.groups, self.gemm) = (planePixels, batch, groups, gemm)
        pixelsPerBlock = balancedBlock(planePixels, about: 512, multipleOf: gemm.nr, threads: 1)
    }

    /// Depth of the packed operands: with the row of ones.
    var packedDepth: Int { depth + (onesRow ? 1 : 0) }
    var packedASize: Int { gemm.packedASize(rows: rows, kc: packedDepth) }

    /// `packA` fills the packed A of every group (`packedASize` elements each).
    func run(
        source: UnsafePointer<T>, result: UnsafeMutablePointer<T>, threads: Int,
        packA: (UnsafeMutablePointer<T>) -> Void
    ) {
        let blocks = (planePixels + pixelsPerBlock - 1) / pixelsPerBlock
        let items = batch * groups * blocks
        let participants = min(threads, items)
        let (rows, packedDepth, planePixels, pixelsPerBlock) = (rows, packedDepth, planePixels, pixelsPerBlock)
        // Four tiles of rows per call, across all the block's pixels: C's rows are planes of the
        // result, and a call over all of them wrote a line to each of 256 planes in turn
        // (pointwise-56's forward pass 29 ms instead of 12.7 on one core: stores to so many
        // pages at once are not prefetched); B's block stays in L2 between calls.
        let rowsPerCall = gemm.mr * 4
        ScratchPool.shared.withBuffers(count: 1, bytes: groups * packedASize * MemoryLayout<T>.stride) { shared in
            let packedA = shared[0].assumingMemoryBound(to: T.self)
            packA(packedA)
            // Row i of a block of C is the result's plane i: the same offsets for every block.
            let rowOffsets = (0..<rows).map { $0 * planePixels }
            let packedBBytes = gemm.packedBSize(columns: pixelsPerBlock, kc: packedDepth) * MemoryLayout<T>.stride
            rowOffsets.withUnsafeBufferPointer { rowOffsets in
                guard let rowOffsets = rowOffsets.baseAddress else { return }
                ScratchPool.shared.withBuffers(count: participants, bytes: packedBBytes) { scratch in
                    ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                        let (image, group, block) = (item / (groups * blocks), item / blocks % groups, item % blocks)
                        let pixel0 = block * pixelsPerBlock
                        let columns = min(pixelsPerBlock, planePixels - pixel0)
                        let packedB = scratch[participant].assumingMemoryBound(to: T.self)
                        packB(
                            source + (image * sourceChannels + group * depth) * planePixels + pixel0, columns: columns,
                            into: packedB)
                        let c = result + (image * resultChannels + group * rows) * planePixels + pixel0
                        let groupA = packedA + group * packedASize
                        for i0 in stride(from: 0, to: rows, by: rowsPerCall) {
                            gemm.run(
                                m: min(rowsPerCall, rows - i0), n: columns, kc: packedDepth, a: groupA + i0 * packedDepth, b: packedB,
                                c: c, rowOffsets: rowOffsets + i0, accumulate: false)
                        }
                    }
                }
            }
        }
    }

    /// Packs `columns` pixels of `depth` planes starting at `planes` into panels of nr, each
    /// panel's depth led by a row of ones with `onesRow`.
    private func packB(_ planes: UnsafePointer<T>, columns: Int, into packed: UnsafeMutablePointer<T>) {
        let nr = gemm.nr
        if onesRow {
            for j0 in stride(from: 0, to: columns, by: nr) { (packed + j0 * packedDepth).update(repeating: 1, count: nr) }
        }
        gemm.packB(
            planes, ld: planePixels, row0: 0, kc: depth, column0: 0, n: columns, into: packed + (onesRow ? nr : 0),
            panelStride: packedDepth * nr)
    }
}
