/// A 3 × 3 stride-1 convolution computed with Winograd's minimal filtering F(2 × 2, 3 × 3)
/// (Lavin and Gray, 2015): each 2 × 2 block of outputs, from the 4 × 4 input tile under it, as
/// `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`, 16 multiplications per channel pair where the direct
/// convolution does 36. Summed over the input channels, the 16 element-wise products become 16
/// GEMMs `M[ξ] = V[ξ] · U[ξ]`, run by the indirect GEMM kernel; the transforms are
/// templates/winograd.c.in. The result differs from the direct convolution's by rounding (the
/// transforms add and subtract inputs before they are multiplied), and is the same bits on
/// every instruction set.
///
/// The input is NHWC `(N, H, W, C)` read with zero padding `padTop`, `padLeft` (and zeros past
/// the bottom and right edges); the weight is `(3, 3, C, K)`; the output NHWC `(N, P, Q, K)`.
/// Or both NCHW, their rows passing through scratch a block of tiles at a time
/// (Conv2D+WinogradPlanes.swift).
package struct WinogradConvolution {
    let batch: Int
    let height: Int
    let width: Int
    let inputChannels: Int
    let outputChannels: Int
    let padTop: Int
    let padLeft: Int
    let outputHeight: Int
    let outputWidth: Int

    /// Channels below which `.fast` keeps the implicit GEMM: the 16 GEMMs are `C` deep and `K`
    /// wide, and the transforms move 16 values per pixel and channel. mnist-conv2 (C = 32,
    /// K = 64) is 1.2–1.4× faster with Winograd; below 32 channels the threshold is a judgement,
    /// not a measurement.
    static let minimumChannels = 16

    /// Whether `algorithm` asks for Winograd on a convolution of this kernel, stride, dilation,
    /// groups, channels and padding mode: `.winograd` wherever it fits (3 × 3, stride 1, no
    /// dilation, one group, zero padding), `.fast` where it also pays (both channel counts at
    /// least ``minimumChannels``).
    package static func chosen(
        kernel: Size2D, stride: Size2D, dilation: Size2D, groups: Int, inputChannels: Int, outputChannels: Int,
        paddingMode: PaddingMode, algorithm: ConvAlgorithm
    ) -> Bool {
        guard kernel == 3, stride == 1, dilation == 1, groups == 1, paddingMode == .zeros else { return false }
        switch algorithm {
        case .winograd: return true
        case .fast: return min(inputChannels, outputChannels) >= minimumChannels
        case .reference, .loopFree, .implicitGEMM: return false
        }
    }

    /// ``chosen(kernel:stride:dilation:groups:inputChannels:outputChannels:paddingMode:algorithm:)`` for `g`.
    static func chosen(_ g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm) -> Bool {
        g.batch > 0 && chosen(
            kernel: Size2D(height: g.kernelHeight, width: g.kernelWidth), stride: g.stride, dilation: g.dilation,
            groups: g.groups, inputChannels: g.inputChannels, outputChannels: g.outputChannels,
            paddingMode: paddingMode, algorithm: algorithm)
    }

    /// The forward pass of `g`, if `algorithm` chooses Winograd for it.
    init?(forward g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm) {
        guard Self.chosen(g, paddingMode: paddingMode, algorithm: algorithm) else { return nil }
        self.init(
            batch: g.batch, height: g.inputHeight, width: g.inputWidth, inputChannels: g.inputChannels,
            outputChannels: g.outputChannels, padTop: g.padding.top, padLeft: g.padding.left,
            outputHeight: g.outputHeight, outputWidth: g.outputWidth)
    }

    /// The input gradient of `g`: `dx[n, h, w, c] = Σ dy[n, h + pt − r, w + pl − s, k] · w[r, s, c, k]`
    /// is the convolution of `dy` (padding `2 − pt` and `2 − pl`, negative meaning cropped) with
    /// the kernel rotated by 180° and transposed, `w′[2 − r, 2 − s, k, c] = w[r, s, c, k]`.
    init?(backwardData g: Conv2DGeometry, paddingMode: PaddingMode, algorithm: ConvAlgorithm) {
        guard Self.chosen(g, paddingMode: paddingMode, algorithm: algorithm) else { return nil }
        self.init(
            batch: g.batch, height: g.outputHeight, width: g.outputWidth, inputChannels: g.outputChannels,
            outputChannels: g.inputChannels, padTop: 2 - g.padding.top, padLeft: 2 - g.padding.left,
            outputHeight: g.inputHeight, outputWidth: g.inputWidth)
    }

    private init(
        batch: Int, height: Int, width: Int, inputChannels: Int, outputChannels: Int, padTop: Int, padLeft: Int,
        outputHeight: Int, outputWidth: Int
    ) {
        (self.batch, self.height, self.width) = (batch, height, width)
        (self.inputChannels, self.outputChannels) = (inputChannels, outputChannels)
        (self.padTop, self.padLeft, self.outputHeight, self.outputWidth) = (padTop, padLeft, outputHeight, outputWidth)
    }

    /// 2 × 2 output tiles along each axis, and in all.
    var tileRows: Int { (outputHeight + 1) / 2 }
    var tileColumns: Int { (outputWidth + 1) / 2 }
    var tiles: Int { batch * tileRows * tileColumns }

    /// Elements of the 16 transformed weights U[ξ] for `policy`'s GEMM, each C × K in its panels.
    static func transformedSize<T: ConvKitFloat>(_: T.Type, inputChannels: Int, outputChannels: Int, policy: KernelPolicy) -> Int {
        16 * PackedGEMM<T>(policy).packedBSize(columns: outputChannels, kc: inputChannels)
    }

    /// U[ξ] = G g Gᵀ of weight (3, 3, C, K) into `u` (``transformedSize(_:inputChannels:outputChannels:policy:)``
    /// elements), the panels' padding zero.
    static func transform<T: ConvKitFloat>(
        weight: UnsafePointer<T>, inputChannels c: Int, outputChannels k: Int, into u: UnsafeMutablePointer<T>,
        threads: Int, policy: KernelPolicy
    ) {
        let (kernels, nr) = (WinogradKernels<T>(policy), PackedGEMM<T>(policy).nr)
        let size = transformedSize(T.self, inputChannels: c, outputChannels: k, policy: policy)
        u.initialize(repeating: 0, count: size)
        let chunk = (c + threads - 1) / threads
        ThreadPool.shared.parallelFor((c + chunk - 1) / chunk, threads: threads) { item, _ in
            kernels.weights(c0: item * chunk, c1: min(c, (item + 1) * chunk), c: c, k: k, w: weight, u: u, uStride: size / 16, nr: nr)
        }
    }

    /// The convolution of x with weight (3, 3, C, K) plus bias (K, or nil) into out, every
    /// element written: x (N, H, W, C) and out (N, P, Q, K), or for `layout` `.nchw` x (N, C, H, W)
    /// and out (N, K, P, Q), each block's rows passing through scratch (Conv2D+WinogradPlanes.swift).
    /// `transformed` is the weight's U[ξ] for `policy` when it was computed at load; otherwise
    /// `weight` is transformed now.
    func run<T: ConvKitFloat>(
        x: UnsafePointer<T>, weight: UnsafePointer<T>?, transformed: UnsafePointer<T>? = nil, bias: UnsafePointer<T>?,
        out: UnsafeMutablePointer<T>, layout: TensorLayout = .nhwc, threads: Int, policy: KernelPolicy
    ) {
        let gemm = PackedGEMM<T>(policy)
        let (c, k) = (inputChannels, outputChannels)
        let uSize = Self.transformedSize(T.self, inputChannels: c, outputChannels: k, policy: policy)
        // Tiles per block: V (16 · C per tile) and M (16 · K) about 1 MiB together, so that the
        // transforms' writes are still in L2 when the GEMMs read them. With fewer tiles than U
        // has rows and columns (a small image at batch 1), U is most of what is read, and every
        // block reads all of it: the threads split the output channels instead, each reading
        // its columns of U (ResNet-50 at batch 1, 2 threads, with the same split for the
        // implicit GEMM: about 38.6 → 36 ms).
        let about = max(1, (1 << 20) / (16 * (c + k) * MemoryLayout<T>.stride))
        let panels = (k + gemm.nr - 1) / gemm.nr
        let columnParts = c * k > tiles * (c + k) ? min(threads, panels) : 1
        let perBlock = balancedBlock(tiles, about: about, multipleOf: gemm.indirectMR, threads: columnParts > 1 ? 1 : threads)
        let blocks = (0..<(tiles + perBlock - 1) / perBlock).map { ($0 * perBlock, min(perBlock, tiles - $0 * perBlock)) }
        let panelsPerPart = (panels + columnParts - 1) / columnParts
        let scratch = WinogradScratch<T>(
            self, perBlock: perBlock, depth: c, columns: k,
            stagedRows: layout == .nchw ? (mostRows(blocks, inputRows), mostRows(blocks, outputRows)) : (0, 0))
        let zeros = [T](repeating: 0, count: c)
        zeros.withUnsafeBufferPointer { zeros in
            guard let zeroRow = zeros.baseAddress else { return }
            ScratchPool.shared.withBuffers(count: 1, bytes: transformed == nil ? uSize * MemoryLayout<T>.stride : 0) { shared in
                let u: UnsafePointer<T>
                if let transformed {
                    u = transformed
                } else if let weight {
                    let buffer = shared[0].assumingMemoryBound(to: T.self)
                    Self.transform(weight: weight, inputChannels: c, outputChannels: k, into: buffer, threads: threads, policy: policy)
                    u = UnsafePointer(buffer)
                } else {
                    return
                }
                let participants = min(threads, blocks.count * columnParts)
                ScratchPool.shared.withBuffers(count: participants, bytes: scratch.bytes) { buffers in
                    ThreadPool.shared.parallelFor(blocks.count * columnParts, threads: participants) { item, participant in
                        let (block, part) = (item / columnParts, item % columnParts)
                        // Output channels n0 ..< n1, whole panels of U.
                        let n0 = min(k, part * panelsPerPart * gemm.nr)
                        let n1 = min(k, n0 + panelsPerPart * gemm.nr)
                        guard n1 > n0 else { return }
                        runBlock(
                            blocks[block], columns: n0 ..< n1, x: x, u: u, bias: bias, out: out, layout: layout, zeroRow: zeroRow,
                            scratch: scratch.parts(buffers[participant]), policy: policy)
                    }
                }
            }
        }
    }

    /// Tiles t0 ..< t0 + count of ``run(x:weight:transformed:bias:out:layout:threads:policy:)``,
    /// output channels `columns`: input transform, 16 GEMMs, output transform.
    private func runBlock<T: ConvKitFloat>(
        _ block: (t0: Int, count: Int), columns: Range<Int>, x: UnsafePointer<T>, u: UnsafePointer<T>,
        bias: UnsafePointer<T>?, out: UnsafeMutablePointer<T>, layout: TensorLayout, zeroRow: UnsafePointer<T>,
        scratch: WinogradScratch<T>.Parts, policy: KernelPolicy
    ) {
        let (kernels, gemm) = (WinogradKernels<T>(policy), PackedGEMM<T>(policy))
        let (c, k, (t0, count)) = (inputChannels, outputChannels, block)
        let (n0, n1, pq) = (columns.lowerBound, columns.upperBound, outputHeight * outputWidth)
        let uStride = Self.transformedSize(T.self, inputChannels: c, outputChannels: k, policy: policy) / 16
        // NHWC: the tensors themselves; NCHW: the block's input rows, and its output rows' channels n0 ..< n1.
        var xPixels = TilePixels(base: UnsafeMutablePointer(mutating: x), origin: 0, stride: c)
        var outPixels = TilePixels(base: out + n0, origin: 0, stride: k)
        if layout == .nchw {
            xPixels = stage(
                x, channels: c, planeRows: height, planeColumns: width, rows: inputRows(t0, count), into: scratch.xRows, policy: policy)
            outPixels = TilePixels(base: scratch.outRows, origin: outputRows(t0, count).lowerBound * outputWidth, stride: n1 - n0)
        }
        tilePointers(t0, count, x: xPixels, zeroRow: zeroRow, out: outPixels, inputs: scratch.inputs, outputs: scratch.outputs)
        kernels.input(tiles: count, c: c, pixels: scratch.inputs, v: scratch.v, ldv: c)
        // GEMM ξ: row t of A is V[t][ξ], row t of C is M[t][ξ].
        for t in 0..<count { scratch.rowOffsets[t] = 16 * t * k }
        for xi in 0..<16 {
            let rows = scratch.rows + xi * scratch.perBlock
            for t in 0..<count { rows[t] = UnsafePointer(scratch.v + (16 * t + xi) * c) }
            gemm.runIndirect(
                m: count, n: n1 - n0, taps: 1, channels: c, rows: rows, b: u + xi * uStride + n0 * c, bias: nil,
                c: scratch.m + xi * k + n0, rowOffsets: scratch.rowOffsets, accumulate: false)
        }
        kernels.output(tiles: count, k: n1 - n0, m: scratch.m + n0, ldm: k, pixels: scratch.outputs, bias: bias.map { $0 + n0 })
        if layout == .nchw,
           let writer = NCHWWriter<T>(policy, channels: n1 - n0, pixelsPerImage: pq, imageStride: k * pq, images: batch) {
            writeBack(t0, count, from: scratch.outRows, origin: outPixels.origin, writer: writer, into: out + n0 * pq)
        }
    }

    /// For tiles t0 ..< t0 + count (t = (n, tile row, tile column)): the 16 input pixels each
    /// reads (the zero row where padding), and the 4 output pixels it writes (nil past the edge;
    /// for the weight gradient, the output-gradient pixels it reads).
    func tilePointers<T>(
        _ t0: Int, _ count: Int, x: TilePixels<T>, zeroRow: UnsafePointer<T>, out: TilePixels<T>,
        inputs: UnsafeMutablePointer<UnsafePointer<T>>, outputs: UnsafeMutablePointer<UnsafeMutablePointer<T>?>
    ) {
        let perImage = tileRows * tileColumns
        for t in 0..<count {
            let (n, tile) = ((t0 + t) / perImage, (t0 + t) % perImage)
            let (oh, ow) = (tile / tileColumns * 2, tile % tileColumns * 2)
            for i in 0..<4 {
                let ih = oh - padTop + i
                for j in 0..<4 {
                    let iw = ow - padLeft + j
                    let inside = ih >= 0 && ih < height && iw >= 0 && iw < width
                    inputs[16 * t + 4 * i + j] = inside ? UnsafePointer(x.at((n * height + ih) * width + iw)) : zeroRow
                }
            }
            for i in 0..<2 {
                for j in 0..<2 {
                    let inside = oh + i < outputHeight && ow + j < outputWidth
                    outputs[4 * t + 2 * i + j] = inside ? out.at((n * outputHeight + oh + i) * outputWidth + ow + j) : nil
                }
            }
        }
    }
}
