import CConvKitKernels

/// The fast input gradient: stride-1 sub-convolutions of the output gradient, one per residue
/// class of the stride (XNNPACK's split), each an implicit GEMM over packed tiles.
///
/// In the forward pass this was: `y[n, p, q, k] += xPad[n, p·sh + r·dh, q·sw + s·dw, c] · w[r, s, c, k]`,
/// so now we have `dxPad[n, hp, wp, c] = Σ dy[n, (hp − r·dh)/sh, (wp − s·dw)/sw, k] · w[r, s, c, k]`
/// over the taps whose division is exact. Whether it is depends only on `hp mod sh` and
/// `wp mod sw`: padded rows of one residue class share their taps, and form one dense GEMM with
/// rows `(n, hp, wp)`, depth `(tap, k)` and columns `c` — no multiplication by inserted zeros.
///
/// dy is (N, P, Q, K), weight is (R, S, C/G, K); dx is (N, H, W, C), every element written (it
/// may start uninitialised). With zero padding the gradient of the padding is never formed;
/// other modes fold it back afterwards. Where `algorithm` chooses Winograd, the gradient is
/// its convolution of dy with the rotated, transposed kernel (``WinogradConvolution``).
@_specialize(where T == Float)
@_specialize(where T == Double)
func conv2dBackwardDataFast<T: ConvKitFloat>(
    dy: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, dx: UnsafeMutableBufferPointer<T>,
    geometry g: Conv2DGeometry, paddingMode: PaddingMode, threads: Int, algorithm: ConvAlgorithm = .fast
) {
    let policy = KernelPolicy.current
    if let winograd = WinogradConvolution(backwardData: g, paddingMode: paddingMode, algorithm: algorithm),
       let dy = dy.baseAddress, let weight = weight.baseAddress, let dx = dx.baseAddress {
        conv2dBackwardDataWinograd(dy: dy, weight: weight, dx: dx, winograd: winograd, threads: threads, policy: policy)
        return
    }
    if paddingMode == .zeros, let plan = SmallChannelPlan(g, paddingMode: paddingMode, scalar: T.self, policy: policy),
       let dy = dy.baseAddress, let weight = weight.baseAddress, let dx = dx.baseAddress {
        conv2dBackwardDataSmallChannels(dy: dy.asFloat, weight: weight.asFloat, dx: dx.asFloat, plan: plan, threads: threads)
        return
    }
    guard let w = weight.baseAddress else { return }
    if paddingMode == .zeros {
        let region = BackwardDataRegion(
            rows: g.padding.top ..< g.padding.top + g.inputHeight,
            columns: g.padding.left ..< g.padding.left + g.inputWidth)
        conv2dBackwardDataRegion(
            dy: dy, weight: weight, panels: GradientPanels(weight: w, region: region, geometry: g, gemm: PackedGEMM(policy)),
            out: dx, region: region, geometry: g, policy: policy, threads: threads)
        return
    }
    // The gradient of the whole padded input, then each padded position's gradient added to
    // the input element it copied.
    let paddedHeight = g.inputHeight + g.padding.top + g.padding.bottom
    let paddedWidth = g.inputWidth + g.padding.left + g.padding.right
    var dxPad = [T](repeating: 0, count: g.batch * paddedHeight * paddedWidth * g.inputChannels)
    let region = BackwardDataRegion(rows: 0 ..< paddedHeight, columns: 0 ..< paddedWidth)
    dxPad.withUnsafeMutableBufferPointer { dxPad in
        conv2dBackwardDataRegion(
            dy: dy, weight: weight, panels: GradientPanels(weight: w, region: region, geometry: g, gemm: PackedGEMM(policy)),
            out: dxPad, region: region, geometry: g, policy: policy, threads: threads)
    }
    let folded = pad2DBackward(
        Tensor(uncheckedShape: [g.batch, paddedHeight, paddedWidth, g.inputChannels], scalars: dxPad),
        g.padding, mode: paddingMode, height: g.inputHeight, width: g.inputWidth)
    for i in folded.scalars.indices { dx[i] = folded.scalars[i] }
}

/// The input gradient of an NCHW convolution with zero padding through the implicit GEMM, an
/// image at a time (B packed once): its dy's planes transposed into NHWC scratch, the gradient of the image
/// computed there (``conv2dBackwardDataFast(dy:weight:dx:geometry:paddingMode:threads:algorithm:)``'s
/// rows, whose sums do not depend on how rows are grouped), then transposed into dx's planes
/// while in cache, instead of dy and dx converted whole.
///
/// dy is (N, K, P, Q), weight is (R, S, C/G, K); dx is (N, C, H, W), every element written.
func conv2dBackwardDataImages<T: ConvKitFloat>(
    dy: UnsafePointer<T>, weight: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, geometry g: Conv2DGeometry,
    threads: Int, policy: KernelPolicy
) {
    var image = g
    image.batch = 1
    let (pq, hw, c, k) = (g.outputHeight * g.outputWidth, g.inputHeight * g.inputWidth, g.inputChannels, g.outputChannels)
    guard let reader = NCHWReader<T>(policy, pixelsPerImage: pq, imageStride: k * pq),
          let writer = NCHWWriter<T>(policy, channels: c, pixelsPerImage: hw, imageStride: c * hw, images: g.batch) else { return }
    let region = BackwardDataRegion(
        rows: g.padding.top ..< g.padding.top + g.inputHeight, columns: g.padding.left ..< g.padding.left + g.inputWidth)
    let weights = UnsafeBufferPointer(start: weight, count: g.kernelHeight * g.kernelWidth * g.inputChannelsPerGroup * k)
    // B packed once for all the images (the classes of one image are those of the batch).
    let panels = GradientPanels(weight: weight, region: region, geometry: image, gemm: PackedGEMM<T>(policy))
    let participants = min(threads, g.batch)
    ScratchPool.shared.withBuffers(count: participants, bytes: (pq * k + hw * c) * MemoryLayout<T>.stride) { scratch in
        ThreadPool.shared.parallelFor(g.batch, threads: participants) { n, participant in
            let dyImage = scratch[participant].assumingMemoryBound(to: T.self)
            let dxImage = dyImage + pq * k
            reader.read(dy, channels: k, pixels: n * pq, count: pq, into: dyImage, ld: k)
            conv2dBackwardDataRegion(
                dy: UnsafeBufferPointer(start: dyImage, count: pq * k), weight: weights, panels: panels,
                out: UnsafeMutableBufferPointer(start: dxImage, count: hw * c), region: region, geometry: image,
                policy: policy, threads: 1)
            writer.write(dxImage, pixels: n * hw, count: hw, into: dx)
        }
    }
}

/// The padded rows and columns whose gradient is computed, and the array holding them.
struct BackwardDataRegion {
    let rows: Range<Int>
    let columns: Range<Int>
}

/// One residue class of the stride: the padded positions `hp ≡ rowResidue (mod sh)`,
/// `wp ≡ columnResidue (mod sw)` inside the region, and the taps that reach them.
private struct ResidueClass {
    let firstRow: Int
    let rowCount: Int
    let firstColumn: Int
    let columnCount: Int
    /// Kernel taps `(r, s)` whose divisions are exact for this class.
    let taps: [(r: Int, s: Int)]
    var tapRows: [Int] { taps.map(\.r) }
    var tapColumns: [Int] { taps.map(\.s) }

    init(rowResidue: Int, columnResidue: Int, region: BackwardDataRegion, g: Conv2DGeometry) {
        func first(_ range: Range<Int>, _ residue: Int, _ stride: Int) -> (Int, Int) {
            let start = range.lowerBound + ((residue - range.lowerBound) % stride + stride) % stride
            return (start, start < range.upperBound ? (range.upperBound - start + stride - 1) / stride : 0)
        }
        (firstRow, rowCount) = first(region.rows, rowResidue, g.stride.height)
        (firstColumn, columnCount) = first(region.columns, columnResidue, g.stride.width)
        let rows = (0..<g.kernelHeight).filter { (rowResidue - $0 * g.dilation.height) % g.stride.height == 0 }
        let columns = (0..<g.kernelWidth).filter { (columnResidue - $0 * g.dilation.width) % g.stride.width == 0 }
        taps = rows.flatMap { r in columns.map { (r, $0) } }
    }
}

/// The residue classes of a region and, for each (group, class) that has taps, B packed once: depth
/// (tap, k), columns c, from w[r, s, c, g·K/G + k] (``conv2dBackwardDataImages(dy:weight:dx:geometry:threads:policy:)``
/// packs it once for all its images).
private struct GradientPanels<T: ConvKitFloat> {
    /// Every class with positions in the region; `classes`, those that some tap reaches.
    let allClasses: [ResidueClass]
    let classes: [ResidueClass]
    /// Where B of (group, class index) starts in `packed`.
    let offsets: [Int]
    let packed: [T]

    init(weight: UnsafePointer<T>, region: BackwardDataRegion, geometry g: Conv2DGeometry, gemm: PackedGEMM<T>) {
        let (k, cg, kg, s) = (g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup, g.kernelWidth)
        allClasses = (0..<g.stride.height).flatMap { a in
            (0..<g.stride.width).map { b in ResidueClass(rowResidue: a, columnResidue: b, region: region, g: g) }
        }.filter { $0.rowCount > 0 && $0.columnCount > 0 }
        let classes = allClasses.filter { !$0.taps.isEmpty }
        self.classes = classes
        let paddedColumns = (cg + gemm.nr - 1) / gemm.nr * gemm.nr
        var offsets: [Int] = []
        var size = 0
        for _ in 0..<g.groups {
            for cls in classes {
                offsets.append(size)
                size += cls.taps.count * kg * paddedColumns
            }
        }
        self.offsets = offsets
        // Never empty (a class-less region has one unused element), so that it has an address.
        packed = [T](unsafeUninitializedCapacity: max(size, 1)) { packed, initialized in
            guard let base = packed.baseAddress else { return }
            base.initialize(to: 0)
            for group in 0..<g.groups {
                for (index, cls) in classes.enumerated() {
                    var panel = base + offsets[group * classes.count + index]
                    for c0 in stride(from: 0, to: cg, by: gemm.nr) {
                        for d in 0 ..< cls.taps.count * kg {
                            let tap = cls.taps[d / kg]
                            let source = weight + ((tap.r * s + tap.s) * cg) * k + group * kg + d % kg
                            for j in 0..<gemm.nr { panel[j] = c0 + j < cg ? source[(c0 + j) * k] : 0 }
                            panel += gemm.nr
                        }
                    }
                }
            }
            initialized = max(size, 1)
        }
    }
}

/// The input gradient of the region's positions (see ``conv2dBackwardDataFast(dy:weight:dx:geometry:paddingMode:threads:algorithm:)``),
/// B from `panels`.
@_specialize(where T == Float)
@_specialize(where T == Double)
private func conv2dBackwardDataRegion<T: ConvKitFloat>(
    dy: UnsafeBufferPointer<T>, weight: UnsafeBufferPointer<T>, panels: GradientPanels<T>,
    out: UnsafeMutableBufferPointer<T>, region: BackwardDataRegion, geometry g: Conv2DGeometry, policy: KernelPolicy,
    threads: Int
) {
    guard let dy = dy.baseAddress, let weight = weight.baseAddress, let out = out.baseAddress else { return }
    let gemm = PackedGEMM<T>(policy)
    let (c, k, cg, kg) = (g.inputChannels, g.outputChannels, g.inputChannelsPerGroup, g.outputChannelsPerGroup)
    let (p, q, s) = (g.outputHeight, g.outputWidth, g.kernelWidth)
    let (sh, sw, dh, dw) = (g.stride.height, g.stride.width, g.dilation.height, g.dilation.width)
    let (regionHeight, regionWidth) = (region.rows.count, region.columns.count)
    // No tap reaches the positions of these classes (a stride longer than the dilated kernel):
    // their gradient is zero.
    for cls in panels.allClasses where cls.taps.isEmpty {
        for n in 0..<g.batch {
            for a in 0..<cls.rowCount {
                for b in 0..<cls.columnCount {
                    let hp = cls.firstRow + a * sh - region.rows.lowerBound
                    let wp = cls.firstColumn + b * sw - region.columns.lowerBound
                    (out + ((n * regionHeight + hp) * regionWidth + wp) * c).update(repeating: 0, count: c)
                }
            }
        }
    }
    let classes = panels.classes
    let maxTaps = classes.map(\.taps.count).max() ?? 0
    // Rows per work item in each class, so that each class's items divide evenly among the threads.
    let classBlocks = classes.map {
        balancedBlock(g.batch * $0.rowCount * $0.columnCount, about: 192, multipleOf: gemm.indirectMR, threads: threads)
    }
    let rowsPerBlock = classBlocks.max() ?? gemm.indirectMR

    // Work items: (group, class, first row), the rows `(n, i, j)` of a class in row-major order.
    var items: [(group: Int, cls: Int, m0: Int)] = []
    for group in 0..<g.groups {
        for (index, cls) in classes.enumerated() {
            let rows = g.batch * cls.rowCount * cls.columnCount
            for m0 in stride(from: 0, to: rows, by: classBlocks[index]) { items.append((group, index, m0)) }
        }
    }
    let participants = min(threads, items.count)
    let zeros = [T](repeating: 0, count: kg)

    zeros.withUnsafeBufferPointer { zeros in
        guard let zeroRow = zeros.baseAddress else { return }
        panels.packed.withUnsafeBufferPointer { packed in
            guard let packedB = packed.baseAddress else { return }
            // Few input channels: dot products along k instead of a mostly empty column panel.
            let fewColumns = cg <= 4
            let tapTables = classes.map { ($0.tapRows, $0.tapColumns) }
            let scratchBytes = rowsPerBlock * (maxTaps * MemoryLayout<UnsafePointer<T>>.stride + MemoryLayout<Int>.stride)
                + maxTaps * MemoryLayout<UnsafePointer<T>>.stride
            ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                ThreadPool.shared.parallelFor(items.count, threads: participants) { itemIndex, participant in
                    let (group, classIndex, m0) = items[itemIndex]
                    let cls = classes[classIndex]
                    let tapCount = cls.taps.count
                    let rows = min(classBlocks[classIndex], g.batch * cls.rowCount * cls.columnCount - m0)
                    let pointers = scratch[participant].assumingMemoryBound(to: UnsafePointer<T>.self)
                    let rowOffsets = (scratch[participant] + rowsPerBlock * maxTaps * MemoryLayout<UnsafePointer<T>>.stride)
                        .assumingMemoryBound(to: Int.self)
                    let weightTaps = (UnsafeMutableRawPointer(rowOffsets + rowsPerBlock))
                        .assumingMemoryBound(to: UnsafePointer<T>.self)
                    tapTables[classIndex].0.withUnsafeBufferPointer { tapR in
                        tapTables[classIndex].1.withUnsafeBufferPointer { tapS in
                            ck_gradient_tap_pointers(
                                UnsafeRawPointer(dy + group * kg).assumingMemoryBound(to: CChar.self), MemoryLayout<T>.stride,
                                k, m0, rows, cls.rowCount, cls.columnCount, cls.firstRow, cls.firstColumn, sh, sw, dh, dw,
                                p, q, tapR.baseAddress, tapS.baseAddress, tapCount,
                                UnsafeRawPointer(zeroRow).assumingMemoryBound(to: CChar.self),
                                UnsafeMutableRawPointer(pointers).assumingMemoryBound(to: UnsafePointer<CChar>?.self),
                                region.rows.lowerBound, region.columns.lowerBound, regionHeight, regionWidth, c, group * cg,
                                rowOffsets)
                        }
                    }
                    if fewColumns {
                        for (t, tap) in cls.taps.enumerated() {
                            weightTaps[t] = UnsafePointer(weight + ((tap.r * s + tap.s) * cg) * k + group * kg)
                        }
                        gemm.runFewColumns(
                            m: rows, n: cg, taps: tapCount, channels: kg, rows: pointers, bTaps: weightTaps,
                            bColumnStride: k, c: out, rowOffsets: rowOffsets)
                    } else {
                        gemm.runIndirect(
                            m: rows, n: cg, taps: tapCount, channels: kg, rows: pointers,
                            b: packedB + panels.offsets[group * classes.count + classIndex], bias: nil, c: out,
                            rowOffsets: rowOffsets, accumulate: false)
                    }
                }
            }
        }
    }
}

/// The input gradient through Winograd: the kernel rotated by 180° with its channel axes
/// swapped, `w′[2 − r, 2 − s, k, c] = w[r, s, c, k]` (one transpose per tap), then the
/// convolution of dy with it. dy and dx are NHWC, or NCHW planes for `layout` `.nchw`; the
/// weight is (3, 3, C, K).
func conv2dBackwardDataWinograd<T: ConvKitFloat>(
    dy: UnsafePointer<T>, weight: UnsafePointer<T>, dx: UnsafeMutablePointer<T>, winograd: WinogradConvolution,
    layout: TensorLayout = .nhwc, threads: Int, policy: KernelPolicy
) {
    let (c, k) = (winograd.outputChannels, winograd.inputChannels)
    guard let transpose = TransposeKernel<T>(policy) else { return }
    var rotated = [T](unsafeUninitializedCapacity: 9 * c * k) { _, initialized in initialized = 9 * c * k }
    rotated.withUnsafeMutableBufferPointer { rotated in
        guard let rotated = rotated.baseAddress else { return }
        for tap in 0..<9 {
            // Tap (r, s) = tap / 3, tap % 3 of w, (c × k), is tap 8 − tap of w′, (k × c).
            transpose.run(rows: c, columns: k, weight + tap * c * k, k, rotated + (8 - tap) * k * c, c)
        }
        winograd.run(x: dy, weight: UnsafePointer(rotated), bias: nil, out: dx, layout: layout, threads: threads, policy: policy)
    }
}
