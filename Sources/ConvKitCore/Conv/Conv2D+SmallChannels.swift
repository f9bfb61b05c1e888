import CConvKitKernels

/// Direct kernels for convolutions with few input channels (first layers, C ≤ 4), where each
/// tap's depth C is too short for the GEMM kernels to keep their registers busy.
///
/// The input (or its gradient) of one image is laid out as a *planar band*: every padded row
/// holds one line per channel c and stride residue ρ, with the padded columns ρ, ρ + sw, … So
/// tap (r, s, c) of output pixel (p, q) is `band[(p·sh + r·dh) · rowPitch + offset(s, c) + q]`:
/// along an output row every tap reads consecutive elements, which the kernels broadcast at
/// constant displacements. Padding (any mode) is resolved once, when the band is filled.
///
/// Float only, on every instruction set; groups must be 1. Work items depend on the shape alone
/// and every kernel sums in an order fixed by the shape, so results are the same bit for bit
/// whatever the thread count, and on AVX2 and AVX-512 alike.
struct SmallChannelPlan {
    let g: Conv2DGeometry
    /// The instruction set whose kernels run.
    let isa: Int32
    /// Padded rows and columns the taps reach.
    let paddedRows: Int
    let paddedColumns: Int
    /// Elements of one line (padded columns of one channel and residue).
    let line: Int
    /// Elements of one padded row: C · sw lines.
    let rowPitch: Int
    /// Where tap (r, s, c), in weight order, reads relative to its output row's first padded
    /// row and column 0.
    let offsets: [Int]
    /// Element offset in an image of x of each padded row's first element, or −1 (zeros).
    let rowMap: [Int]
    /// Element offset within a row of each padded column, or −1 (zeros).
    let columnMap: [Int]
    /// Elements between an element of x and the same pixel's next channel: 1 in an (H, W, C)
    /// image, H · W in a (C, H, W) one (`inputLayout` `.nchw`, whose planes the band reads in place).
    let channelStep: Int

    var taps: Int { g.kernelHeight * g.kernelWidth * g.inputChannels }

    /// The most input channels the direct kernels take.
    static let maximumInputChannels = 4

    /// The plan, or nil when the direct kernels do not apply (they are Float, G = 1, C ≤ 4);
    /// `inputLayout` is x's.
    init?<T: ConvKitFloat>(
        _ g: Conv2DGeometry, paddingMode: PaddingMode, scalar: T.Type, policy: KernelPolicy,
        inputLayout: TensorLayout = .nhwc
    ) {
        guard T.self == Float.self, g.groups == 1, g.inputChannels <= Self.maximumInputChannels else { return nil }
        self.g = g
        isa = policy.code
        let (c, sw) = (g.inputChannels, g.stride.width)
        paddedRows = (g.outputHeight - 1) * g.stride.height + (g.kernelHeight - 1) * g.dilation.height + 1
        paddedColumns = (g.outputWidth - 1) * sw + (g.kernelWidth - 1) * g.dilation.width + 1
        // A row holds `sw` phases of `line` columns: a stride wider than the row would pad it
        // to the stride's width, so such (single-column) outputs take the general path.
        guard sw <= paddedColumns else { return nil }
        line = Checked.ceilingDivision(paddedColumns, sw)
        rowPitch = c * sw * line
        var offsets = [Int]()
        offsets.reserveCapacity(g.kernelHeight * g.kernelWidth * c)
        for r in 0..<g.kernelHeight {
            for s in 0..<g.kernelWidth {
                let column = s * g.dilation.width
                for channel in 0..<c {
                    offsets.append(r * g.dilation.height * rowPitch + (channel * sw + column % sw) * line + column / sw)
                }
            }
        }
        self.offsets = offsets
        let pixel = inputLayout == .nchw ? 1 : c
        channelStep = inputLayout == .nchw ? g.inputHeight * g.inputWidth : 1
        rowMap = (0..<paddedRows).map {
            paddingMode.sourceIndex($0, before: g.padding.top, size: g.inputHeight).map { $0 * g.inputWidth * pixel } ?? -1
        }
        columnMap = (0..<paddedColumns).map {
            paddingMode.sourceIndex($0, before: g.padding.left, size: g.inputWidth).map { $0 * pixel } ?? -1
        }
    }

    /// Elements of a band of `rows` padded rows, with the slack the forward kernel reads past
    /// the last pixel of a row (never stored).
    func bandSize(rows: Int) -> Int { rows * rowPitch + 32 }

    /// Output rows per work item when items split images into bands of rows: about `pixels`
    /// output pixels each.
    func rowsPerBand(pixels: Int) -> Int { min(g.outputHeight, max(1, (pixels + g.outputWidth - 1) / g.outputWidth)) }

    /// Padded rows that `outputRows` consecutive output rows read.
    func paddedRows(forOutputRows outputRows: Int) -> Int {
        (outputRows - 1) * g.stride.height + (g.kernelHeight - 1) * g.dilation.height + 1
    }

    /// Fills `band` with padded rows `first ..< first + rows` of image `n` of x.
    func pack(_ x: UnsafePointer<Float>, image n: Int, firstRow first: Int, rows: Int, into band: UnsafeMutablePointer<Float>) {
        rowMap.withUnsafeBufferPointer { rowMap in
            columnMap.withUnsafeBufferPointer { columnMap in
                guard let rowMap = rowMap.baseAddress, let columnMap = columnMap.baseAddress else { return }
                ck_small_pack_band(
                    isa, x + n * g.inputHeight * g.inputWidth * g.inputChannels, g.inputChannels, channelStep,
                    rowMap + first, rows, columnMap, paddedColumns, g.stride.width, line, band)
            }
        }
        (band + rows * rowPitch).initialize(repeating: 0, count: bandSize(rows: rows) - rows * rowPitch)
    }
}

/// The forward convolution through the small-channel kernels.
///
/// x is (N, H, W, C), or (N, C, H, W) for a plan of an NCHW input; weight is (R, S, C, K) — the
/// matrix `[(r, s, c), k]` —, bias is (K) or nil; out is (N, P, Q, K), or (N, K, P, Q) for
/// `outputLayout` `.nchw` (the item's rows stored into their planes by ck_small_forward_planes,
/// the same sums), every element written.
/// `out[n, p, q, k] = bias[k] + Σ_(r, s, c) band[(p·sh + r·dh) · rowPitch + offset(r, s, c) + q] · w[(r, s, c), k]`.
func conv2dForwardSmallChannels(
    x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    out: UnsafeMutablePointer<Float>, outputLayout: TensorLayout, plan: SmallChannelPlan, threads: Int
) {
    let g = plan.g
    let (k, p, q) = (g.outputChannels, g.outputHeight, g.outputWidth)
    let rowsPerBand = plan.rowsPerBand(pixels: 2048)
    let bands = (p + rowsPerBand - 1) / rowsPerBand
    let bandRows = plan.paddedRows(forOutputRows: rowsPerBand)
    let items = g.batch * bands
    let participants = min(threads, items)
    plan.offsets.withUnsafeBufferPointer { offsets in
        guard let offsets = offsets.baseAddress else { return }
        let bandBytes = (plan.bandSize(rows: bandRows) * MemoryLayout<Float>.stride + 63) / 64 * 64
        ScratchPool.shared.withBuffers(count: participants, bytes: bandBytes) { scratch in
            ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                let band = scratch[participant].assumingMemoryBound(to: Float.self)
                let n = item / bands
                let p0 = item % bands * rowsPerBand
                let p1 = min(p, p0 + rowsPerBand)
                plan.pack(x, image: n, firstRow: p0 * g.stride.height,
                          rows: plan.paddedRows(forOutputRows: p1 - p0), into: band)
                // Band elements between output rows (the band holds them: a single row may have a
                // stride no band could).
                let ldRow = p1 - p0 > 1 ? g.stride.height * plan.rowPitch : 0
                if outputLayout == .nchw {
                    ck_small_forward_planes(
                        plan.isa, p1 - p0, q, k, plan.taps, offsets, band, ldRow, weight, k, bias,
                        out + n * k * p * q + p0 * q, p * q)
                } else {
                    for row in p0..<p1 {
                        ck_small_forward(
                            plan.isa, q, k, plan.taps, offsets, band + (row - p0) * ldRow, weight, k, bias,
                            out + (n * p + row) * q * k, k)
                    }
                }
            }
        }
    }
}

/// The weight and bias gradients through the small-channel kernels.
///
/// In the forward pass this was: `y[n, p, q, k] += band[row(p) + offset(t) + q] · w[t, k]`, so now
/// we have `dw[t, k] = Σ_(n, p, q) band[row(p) + offset(t) + q] · dy[n, p, q, k]` and
/// `db[k] = Σ dy[n, p, q, k]`, the bias as a tap that always reads 1. For each run of up to
/// CK_SMALL_PITCH consecutive pixels the kernel reads each tap's values in the band, through a
/// pointer per tap and piece of an output row the run covers, and dy in place. Each work item
/// (a band of rows of one image, or whole consecutive images, a band each, when an image is
/// smaller than a band) sums into its own partial gradient, about 64 of them whatever the batch;
/// the partials are added in item order.
///
/// x is (N, H, W, C), or (N, C, H, W) for a plan of an NCHW input; dy is (N, P, Q, K), or
/// (N, K, P, Q) read through `dyPlanes` a run at a time; dw is (R, S, C, K) and db is (K).
func conv2dBackwardWeightsSmallChannels(
    x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
    db: UnsafeMutablePointer<Float>?, dyPlanes: NCHWReader<Float>?, plan: SmallChannelPlan, threads: Int
) {
    let g = plan.g
    let (k, p, q, taps) = (g.outputChannels, g.outputHeight, g.outputWidth, plan.taps)
    let pitch = Int(CK_SMALL_PITCH)
    // About 64 partials, each over at least 1024 pixels: bands of an image, or groups of whole
    // images where one image holds fewer pixels (so the partials do not grow with the batch).
    let pixelsPerItem = max(1024, g.batch * p * q / 64)
    let rowsPerBand = plan.rowsPerBand(pixels: pixelsPerItem)
    let bands = (p + rowsPerBand - 1) / rowsPerBand
    let imagesPerItem = bands == 1 ? max(1, pixelsPerItem / max(1, p * q)) : 1
    let bandRows = plan.paddedRows(forOutputRows: rowsPerBand)
    let items = (g.batch + imagesPerItem - 1) / imagesPerItem * bands
    let participants = min(threads, items)
    let partialSize = taps * k + k
    let bandElements = (plan.bandSize(rows: bandRows) + 15) / 16 * 16
    let bandBytes = bandElements * MemoryLayout<Float>.stride
    // A run covers at most the end of one output row, whole rows, and the start of another.
    let maxSegments = min(pitch, pitch / q + 2)
    // Per segment: a pointer per tap, then the bias's row of ones (in the forward pass this
    // was: y[m, k] += b[k]).
    let ldRows = taps + 1
    let rowsBytes = maxSegments * ldRows * MemoryLayout<UnsafePointer<Float>>.stride
    plan.offsets.withUnsafeBufferPointer { offsets in
        guard let offsets = offsets.baseAddress else { return }
        ScratchPool.shared.withBuffers(count: 1, bytes: items * partialSize * MemoryLayout<Float>.stride) { shared in
            // Partial dw of item i at i · partialSize, its partial db right after.
            let partials = shared[0].assumingMemoryBound(to: Float.self)
            partials.initialize(repeating: 0, count: items * partialSize)
            // A run of an NCHW dy, as rows.
            let dyRunBytes = dyPlanes == nil ? 0 : pitch * k * MemoryLayout<Float>.stride
            let lengthsBytes = maxSegments * MemoryLayout<Int>.stride
            let scratchBytes = imagesPerItem * bandBytes + dyRunBytes + rowsBytes + lengthsBytes + pitch * MemoryLayout<Float>.stride
            ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                ThreadPool.shared.parallelFor(items, threads: participants) { item, participant in
                    // The item's bands (one per image: a run may go on into the next image), a run
                    // of an NCHW dy, the segments' tap pointers and lengths, the bias's row of ones.
                    let imageBands = scratch[participant].assumingMemoryBound(to: Float.self)
                    let dyRun = (scratch[participant] + imagesPerItem * bandBytes).assumingMemoryBound(to: Float.self)
                    let rows = (scratch[participant] + imagesPerItem * bandBytes + dyRunBytes)
                        .assumingMemoryBound(to: UnsafePointer<Float>?.self)
                    let lengths = (scratch[participant] + imagesPerItem * bandBytes + dyRunBytes + rowsBytes)
                        .assumingMemoryBound(to: Int.self)
                    let ones = (scratch[participant] + imagesPerItem * bandBytes + dyRunBytes + rowsBytes + lengthsBytes)
                        .assumingMemoryBound(to: Float.self)
                    ones.initialize(repeating: 1, count: pitch)
                    let partial = partials + item * partialSize
                    let firstImage = item / bands * imagesPerItem
                    let lastImage = min(g.batch, firstImage + imagesPerItem) - 1
                    let p0 = item % bands * rowsPerBand
                    let p1 = min(p, p0 + rowsPerBand)
                    // The item's pixels are consecutive in dy (one band, or whole images).
                    var pixel = (firstImage * p + p0) * q
                    var (run, segments) = (0, 0)
                    for n in firstImage...lastImage {
                        let band = imageBands + (n - firstImage) * bandElements
                        plan.pack(x, image: n, firstRow: p0 * g.stride.height,
                                  rows: plan.paddedRows(forOutputRows: p1 - p0), into: band)
                        for row in p0..<p1 {
                            let rowBand = band + (row - p0) * g.stride.height * plan.rowPitch
                            var q0 = 0
                            while q0 < q {
                                let count = min(q - q0, pitch - run)
                                let segmentRows = rows + segments * ldRows
                                for t in 0..<taps { segmentRows[t] = UnsafePointer(rowBand + q0 + offsets[t]) }
                                segmentRows[taps] = UnsafePointer(ones)
                                lengths[segments] = count
                                (run, segments, q0, pixel) = (run + count, segments + 1, q0 + count, pixel + count)
                                if run == pitch || (n == lastImage && row == p1 - 1 && q0 == q) {
                                    dyPlanes?.read(dy, channels: k, pixels: pixel - run, count: run, into: dyRun, ld: k)
                                    ck_small_weights(
                                        plan.isa, segments, lengths, k, taps + 1, rows, ldRows,
                                        dyPlanes == nil ? dy + (pixel - run) * k : UnsafePointer(dyRun), k, partial, k)
                                    (run, segments) = (0, 0)
                                }
                            }
                        }
                    }
                }
            }
            // The partials, added in item order.
            addPartials(partials, parts: items, count: taps * k, stride: partialSize, into: dw, threads: threads)
            if let db {
                addPartials(partials + taps * k, parts: items, count: k, stride: partialSize, into: db, threads: 1)
            }
        }
    }
}

/// The input gradient through the small-channel kernels (zero padding only).
///
/// In the forward pass this was: `y[n, p, q, k] += band[row(p) + offset(t) + q] · w[t, k]`, so now
/// we have `dband[row(p) + offset(t) + q] += Σ_k w[t, k] · dy[n, p, q, k]`: for each run of 32
/// pixels of an output row the kernel forms the 32 values of every tap from a transposed copy
/// of dy and adds them to the band, taps in order. One image per work item; its band is then
/// copied out to dx.
///
/// dy is (N, P, Q, K), weight is (R, S, C, K); dx is (N, H, W, C), every element written. With
/// `layout` `.nchw`, dy is (N, K, P, Q) and dx (N, C, H, W): the kernel's copy of dy is then a
/// copy of plane segments instead of a transpose.
func conv2dBackwardDataSmallChannels(
    dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
    plan: SmallChannelPlan, threads: Int, layout: TensorLayout = .nhwc
) {
    let g = plan.g
    let (k, p, q, taps) = (g.outputChannels, g.outputHeight, g.outputWidth, plan.taps)
    let (blockTaps, runPixels) = (Int(CK_SMALL_DATA_TAPS), Int(CK_SMALL_DATA_PIXELS))
    let blocks = (taps + blockTaps - 1) / blockTaps
    let participants = min(threads, g.batch)
    let bandSize = plan.bandSize(rows: plan.paddedRows)
    let scratchBytes = (bandSize + k * runPixels) * MemoryLayout<Float>.stride
    plan.offsets.withUnsafeBufferPointer { offsets in
        guard let offsets = offsets.baseAddress else { return }
        ScratchPool.shared.withBuffers(count: 1, bytes: blocks * k * blockTaps * MemoryLayout<Float>.stride) { shared in
            // The weight in blocks of taps, block b as (k, blockTaps), taps past the last zero.
            let packedWeight = shared[0].assumingMemoryBound(to: Float.self)
            for block in 0..<blocks {
                for j in 0..<k {
                    for i in 0..<blockTaps {
                        let t = block * blockTaps + i
                        packedWeight[(block * k + j) * blockTaps + i] = t < taps ? weight[t * k + j] : 0
                    }
                }
            }
            ScratchPool.shared.withBuffers(count: participants, bytes: scratchBytes) { scratch in
                ThreadPool.shared.parallelFor(g.batch, threads: participants) { n, participant in
                    let band = scratch[participant].assumingMemoryBound(to: Float.self)
                    let transposed = band + bandSize
                    band.initialize(repeating: 0, count: bandSize)
                    for row in 0..<p {
                        let rowBand = band + row * g.stride.height * plan.rowPitch
                        for q0 in stride(from: 0, to: q, by: runPixels) {
                            let count = min(runPixels, q - q0)
                            if layout == .nchw {
                                // dy's planes already hold each channel's run of pixels.
                                for j in 0..<k {
                                    let segment = transposed + j * runPixels
                                    segment.update(from: dy + ((n * k + j) * p + row) * q + q0, count: count)
                                    (segment + count).update(repeating: 0, count: runPixels - count)
                                }
                            } else {
                                ck_small_transpose(plan.isa, dy + ((n * p + row) * q + q0) * k, count, k, k, runPixels, transposed)
                            }
                            ck_small_data(plan.isa, count, k, taps, offsets, packedWeight, transposed, rowBand + q0)
                        }
                    }
                    ck_small_unpack_band(
                        plan.isa, band, g.inputChannels, g.inputHeight, g.inputWidth, g.padding.top, g.padding.left,
                        g.stride.width, plan.line, plan.paddedRows, plan.paddedColumns,
                        dx + n * g.inputHeight * g.inputWidth * g.inputChannels, layout == .nchw ? 1 : 0)
                }
            }
        }
    }
}
