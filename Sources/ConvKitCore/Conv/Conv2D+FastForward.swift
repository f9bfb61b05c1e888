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

/// Rows per work item: about `target` rows, a multiple of `multiple`, in a number of items that
/// divides evenly among `threads` (17 blocks on 2 threads kept one thread idle for the last).
func balancedBlock(_ rows: Int, about target: Int, multipleOf multiple: Int, threads: Int) -> Int {
    let blocks = max(1, (rows + target - 1) / target)
    let items = threads > 1 ? (blocks + threads - 1) / threads * threads : blocks
    let size = (rows + items - 1) / items
    return max(multiple, (size + multiple - 1) / multiple * multiple)
}

/// The fast forward convolution: an implicit GEMM over NHWC through an indirection table.
///
/// For group g, `out[m, g·K/G + j] = bias + Σ_kk A[m, kk] · B[kk, j]` with rows `m = (n, p, q)`,
/// depth `kk = (r, s, c)` and `A[m, (r, s, c)] = x[n, p·sh + r·dh − pt, q·sw + s·dw − pl, g·C/G + c]`;
/// B is the weight, which in NHWC is already the matrix `[(r, s, c), k]`. A is never formed:
/// for each tap the micro-kernel reads the C/G contiguous channels of the input pixel through a
/// pointer (padding resolved by the tap table; a zero tap points at a row of zeros).
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; out is (N, P, Q, K), or
/// (N, K, P, Q) for `outputLayout` `.nchw` (each block of rows transposed from scratch as it is
/// finished, while in cache), every element written (it may start uninitialised).
///
/// With `inputLayout` `.nchw` (zero padding, the implicit GEMM: ``NCHWForward/implicitGEMM``),
/// x is (N, C, H, W): each block's input rows pass through NHWC scratch, transposed while in
/// cache, and the taps point there; the sums are the same.
///
/// `prepacked` is the weight already packed for this policy's kernels (``Conv2DPackedWeight``);
/// `epilogue` (NHWC only) runs on each block of output rows right after it is written; `policy`
/// is the caller's when it decided on the weight it passes. Where `algorithm` chooses Winograd
/// (``WinogradConvolution``), that computes the whole result instead.
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dForwardFast<T: ConvKitFloat>(
    x: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, bias: UnsafeBufferPointer<T>?,
    out: UnsafeMutableBufferPointer<T>, outputLayout: TensorLayout = .nhwc, geometry g: Conv2DGeometry,
    paddingMode: PaddingMode, threads: Int, prepacked: Conv2DPackedWeight<T>? = nil,
    epilogue: Conv2DEpilogueRun<T>? = nil, policy: KernelPolicy = .current, algorithm: ConvAlgorithm = .fast,
    inputLayout: TensorLayout = .nhwc
) {
    guard let x = x.baseAddress, let out = out.baseAddress else { return }
    let bias = bias?.baseAddress
    // A prepacked call passes no weight when its panels serve (``Conv2DPackedWeight/needsWeight(_:)``).
    let weight = weight.baseAddress
    let pq = g.outputHeight * g.outputWidth
    let (k, kg) = (g.outputChannels, g.outputChannelsPerGroup)
    if prepacked == nil, epilogue == nil, let weight,
       let winograd = WinogradConvolution(forward: g, paddingMode: paddingMode, algorithm: algorithm) {
        assert(inputLayout == .nhwc, "an NCHW x reaches only the implicit GEMM")
        guard outputLayout == .nchw,
              let nchw = NCHWWriter<T>(policy, channels: k, pixelsPerImage: pq, imageStride: k * pq, images: g.batch) else {
            winograd.run(x: x, weight: weight, bias: bias, out: out, threads: threads, policy: policy)
            return
        }
        // NCHW: the NHWC result, then each image's planes.
        var nhwc = [T](unsafeUninitializedCapacity: g.batch * pq * k) { _, initialized in initialized = g.batch * pq * k }
        nhwc.withUnsafeMutableBufferPointer { nhwc in
            guard let block = nhwc.baseAddress else { return }
            winograd.run(x: x, weight: weight, bias: bias, out: block, threads: threads, policy: policy)
            ThreadPool.shared.parallelFor(g.batch, threads: threads) { n, _ in
                nchw.write(block + n * pq * k, pixels: n * pq, count: pq, into: out)
            }
        }
        return
    }
    // An NCHW result: each group's block of rows goes through scratch, then into its planes.
    let nchw = outputLayout == .nchw
        ? NCHWWriter<T>(policy, channels: kg, pixelsPerImage: pq, imageStride: k * pq, images: g.batch) : nil
    if let weight, let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: policy) {
        assert(inputLayout == .nhwc, "an NCHW x reaches only the implicit GEMM")
        conv2dForwardSmallChannels(
            x: x.asFloat, weight: weight.asFloat, bias: bias?.asFloat, out: out.asFloat, outputLayout: outputLayout,
            plan: plan, threads: threads)
        epilogue?.apply(out, rows: g.batch * pq, columns: k, stride: k, offset: 0)
        return
    }
    let gemm = PackedGEMM<T>(policy)
    let taps = TapTable(g, paddingMode: paddingMode)
    let (c, cg) = (g.inputChannels, g.inputChannelsPerGroup)
    let tapCount = g.kernelHeight * g.kernelWidth
    let rows = g.batch * pq
    // A weight larger than the rows' input and output (a small image at batch 1): every block
    // of rows would read all of it, so the threads split the output channels instead, each
    // reading its panels (ResNet-50 at batch 1, 2 threads).
    let depth = tapCount * cg
    let panels = (kg + gemm.nr - 1) / gemm.nr
    let columnParts = nchw == nil && g.groups == 1 && depth * kg > rows * (depth + kg) ? min(threads, panels) : 1
    let panelsPerPart = (panels + columnParts - 1) / columnParts
    let rowsPerBlock = balancedBlock(
        rows, about: outputLayout == .nchw ? 768 : 192, multipleOf: gemm.indirectMR, threads: columnParts > 1 ? 1 : threads)
    let rowBlocks = (rows + rowsPerBlock - 1) / rowsPerBlock
    let packedWeightPerGroup = gemm.packedBSize(columns: kg, kc: depth)
    // An NCHW x: the input rows (counted across the batch) a block's output rows read, staged
    // as NHWC pixels of the group's channels.
    let planes = inputLayout == .nchw
        ? NCHWReader<T>(policy, pixelsPerImage: g.inputHeight * g.inputWidth, imageStride: c * g.inputHeight * g.inputWidth)
        : nil
    let stagedRows = planes == nil ? 0 : (0..<rowBlocks).map {
        g.inputRows(outputPixels: $0 * rowsPerBlock, count: min(rowsPerBlock, rows - $0 * rowsPerBlock)).count
    }.max() ?? 0
    let participants = min(threads, g.groups * rowBlocks * columnParts)
    let zeros = [T](repeating: 0, count: cg)

    taps.rows.withUnsafeBufferPointer { tapRows in
        taps.columns.withUnsafeBufferPointer { tapColumns in
            zeros.withUnsafeBufferPointer { zeros in
                guard let zeroRow = zeros.baseAddress else { return }
                let packedBytes = prepacked?.panels(for: policy) == nil ? g.groups * packedWeightPerGroup * MemoryLayout<T>.stride : 0
                ScratchPool.shared.withBuffers(count: 1, bytes: packedBytes) { shared in
                    // B of every group, packed once over the whole depth (r, s, c), unless it was at load.
                    let packedWeight = prepacked?.panels(for: policy) ?? shared[0].assumingMemoryBound(to: T.self)
                    if prepacked?.panels(for: policy) == nil, let weight {
                        for group in 0..<g.groups {
                            gemm.packB(
                                weight, ld: k, row0: 0, kc: tapCount * cg, column0: group * kg, n: kg,
                                into: packedWeight + group * packedWeightPerGroup)
                        }
                    }
                    // Per participant: the NHWC block an NCHW result passes through, then the
                    // tap pointers and the row offsets.
                    let blockBytes = nchw == nil ? 0 : (rowsPerBlock * kg * MemoryLayout<T>.stride + 63) / 64 * 64
                    let stagedBytes = (stagedRows * g.inputWidth * cg * MemoryLayout<T>.stride + 63) / 64 * 64
                    let scratchBytes = blockBytes + stagedBytes
                        + rowsPerBlock * (tapCount * MemoryLayout<UnsafePointer<T>>.stride + MemoryLayout<Int>.stride)
                    ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                        ThreadPool.shared.parallelFor(g.groups * rowBlocks * columnParts, threads: participants) { item, participant in
                            let (rowItem, part) = (item / columnParts, item % columnParts)
                            let group = rowItem / rowBlocks
                            let m0 = (rowItem % rowBlocks) * rowsPerBlock
                            // Output channels n0 ..< n1 of the group: whole panels.
                            let n0 = min(kg, part * panelsPerPart * gemm.nr)
                            let n1 = min(kg, n0 + panelsPerPart * gemm.nr)
                            guard n1 > n0 else { return }
                            let count = min(rowsPerBlock, rows - m0)
                            let block = scratch[participant].assumingMemoryBound(to: T.self)
                            let staged = (scratch[participant] + blockBytes).assumingMemoryBound(to: T.self)
                            let pointers = (scratch[participant] + blockBytes + stagedBytes).assumingMemoryBound(to: UnsafePointer<T>.self)
                            let rowOffsets = (scratch[participant] + blockBytes + stagedBytes + rowsPerBlock * tapCount * MemoryLayout<UnsafePointer<T>>.stride)
                                .assumingMemoryBound(to: Int.self)
                            for i in 0..<count { rowOffsets[i] = nchw == nil ? (m0 + i) * k + group * kg + n0 : i * kg }
                            if let planes {
                                stagedTapPointers(
                                    planes, planes: x + group * cg * g.inputHeight * g.inputWidth, channels: cg, m0: m0,
                                    count: count, geometry: g, tapRows: tapRows, tapColumns: tapColumns, zero: zeroRow,
                                    staged: staged, into: pointers)
                            } else {
                                forwardTapPointers(
                                    base: x + group * cg, pixelStride: c, m0: m0, count: count, geometry: g,
                                    tapRows: tapRows, tapColumns: tapColumns, zero: zeroRow, into: pointers)
                            }
                            gemm.runIndirect(
                                m: count, n: n1 - n0, taps: tapCount, channels: cg, rows: pointers,
                                b: packedWeight + group * packedWeightPerGroup + n0 * depth, bias: bias.map { $0 + group * kg + n0 },
                                c: nchw == nil ? out : block, rowOffsets: rowOffsets, accumulate: false)
                            nchw?.write(block, pixels: m0, count: count, into: out + group * kg * pq)
                            let first = m0 * k + group * kg + n0
                            epilogue?.apply(out + first, rows: count, columns: n1 - n0, stride: k, offset: first)
                        }
                    }
                }
            }
        }
    }
}
