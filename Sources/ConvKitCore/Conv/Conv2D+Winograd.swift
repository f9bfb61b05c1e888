import CConvKitKernels

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

    /// The convolution of x (N, H, W, C) with weight (3, 3, C, K) plus bias (K, or nil) into out
    /// (N, P, Q, K), every element written. `transformed` is the weight's U[ξ] for `policy`
    /// when it was computed at load; otherwise `weight` is transformed now.
    func run<T: ConvKitFloat>(
        x: UnsafePointer<T>, weight: UnsafePointer<T>?, transformed: UnsafePointer<T>? = nil, bias: UnsafePointer<T>?,
        out: UnsafeMutablePointer<T>, threads: Int, policy: KernelPolicy
    ) {
        let kernels = WinogradKernels<T>(policy)
        let gemm = PackedGEMM<T>(policy)
        let (c, k) = (inputChannels, outputChannels)
        let uSize = Self.transformedSize(T.self, inputChannels: c, outputChannels: k, policy: policy)
        let uStride = uSize / 16
        // Tiles per block: V (16 · C per tile) and M (16 · K) about 1 MiB together, so that the
        // transforms' writes are still in L2 when the GEMMs read them. With fewer tiles than U
        // has rows and columns (a small image at batch 1), U is most of what is read, and every
        // block reads all of it: the threads split the output channels instead, each reading
        // its columns of U (ResNet-50 at batch 1, 2 threads, with the same split for the
        // implicit GEMM: about 38.6 → 36 ms).
        let tileBytes = 16 * (c + k) * MemoryLayout<T>.stride
        let panels = (k + gemm.nr - 1) / gemm.nr
        let columnParts = c * k > tiles * (c + k) ? min(threads, panels) : 1
        let perBlock = balancedBlock(
            tiles, about: max(1, (1 << 20) / tileBytes), multipleOf: gemm.indirectMR, threads: columnParts > 1 ? 1 : threads)
        let blocks = (tiles + perBlock - 1) / perBlock
        let panelsPerPart = (panels + columnParts - 1) / columnParts
        let participants = min(threads, blocks * columnParts)
        let zeros = [T](repeating: 0, count: c)
        let (vBytes, mBytes) = (perBlock * 16 * c * MemoryLayout<T>.stride, perBlock * 16 * k * MemoryLayout<T>.stride)
        let pointerBytes = perBlock * (16 + 16 + 4) * MemoryLayout<UnsafeRawPointer>.stride + perBlock * MemoryLayout<Int>.stride
        zeros.withUnsafeBufferPointer { zeros in
            guard let zeroRow = zeros.baseAddress else { return }
            ScratchPool.shared.withBuffers(count: 1, bytes: transformed == nil ? uSize * MemoryLayout<T>.stride : 0) { shared in
                let u: UnsafePointer<T>
                if let transformed {
                    u = transformed
                } else if let weight {
                    let scratch = shared[0].assumingMemoryBound(to: T.self)
                    Self.transform(weight: weight, inputChannels: c, outputChannels: k, into: scratch, threads: threads, policy: policy)
                    u = UnsafePointer(scratch)
                } else {
                    return
                }
                ScratchPool.shared.withBuffers(count: participants, bytes: vBytes + mBytes + pointerBytes) { scratch in
                    ThreadPool.shared.parallelFor(blocks * columnParts, threads: participants) { item, participant in
                        let (block, part) = (item / columnParts, item % columnParts)
                        // Output channels n0 ..< n1, whole panels of U.
                        let n0 = min(k, part * panelsPerPart * gemm.nr)
                        let n1 = min(k, n0 + panelsPerPart * gemm.nr)
                        let t0 = block * perBlock
                        let count = min(perBlock, tiles - t0)
                        let v = scratch[participant].assumingMemoryBound(to: T.self)
                        let m = (scratch[participant] + vBytes).assumingMemoryBound(to: T.self)
                        let pointers = scratch[participant] + vBytes + mBytes
                        let inputs = pointers.assumingMemoryBound(to: UnsafePointer<T>.self)
                        let rows = (pointers + perBlock * 16 * MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: UnsafePointer<T>.self)
                        let outputs = (pointers + perBlock * 32 * MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: UnsafeMutablePointer<T>?.self)
                        let rowOffsets = (pointers + perBlock * 36 * MemoryLayout<UnsafeRawPointer>.stride).assumingMemoryBound(to: Int.self)
                        guard n1 > n0 else { return }
                        tilePointers(t0, count, x: x, zeroRow: zeroRow, out: out + n0, inputs: inputs, outputs: outputs)
                        kernels.input(tiles: count, c: c, pixels: inputs, v: v, ldv: c)
                        // GEMM ξ: row t of A is V[t][ξ], row t of C is M[t][ξ].
                        for t in 0..<count { rowOffsets[t] = 16 * t * k }
                        for xi in 0..<16 {
                            for t in 0..<count { rows[xi * perBlock + t] = UnsafePointer(v + (16 * t + xi) * c) }
                            gemm.runIndirect(
                                m: count, n: n1 - n0, taps: 1, channels: c, rows: rows + xi * perBlock,
                                b: u + xi * uStride + n0 * c, bias: nil, c: m + xi * k + n0, rowOffsets: rowOffsets, accumulate: false)
                        }
                        kernels.output(tiles: count, k: n1 - n0, m: m + n0, ldm: k, pixels: outputs, bias: bias.map { $0 + n0 })
                    }
                }
            }
        }
    }

    /// For tiles t0 ..< t0 + count (t = (n, tile row, tile column)): the 16 input pixels each
    /// reads (the zero row where padding), and the 4 output pixels it writes (nil past the edge;
    /// for the weight gradient, the output-gradient pixels it reads).
    func tilePointers<T>(
        _ t0: Int, _ count: Int, x: UnsafePointer<T>, zeroRow: UnsafePointer<T>, out: UnsafeMutablePointer<T>,
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
                    inputs[16 * t + 4 * i + j] = inside ? x + ((n * height + ih) * width + iw) * inputChannels : zeroRow
                }
            }
            for i in 0..<2 {
                for j in 0..<2 {
                    let inside = oh + i < outputHeight && ow + j < outputWidth
                    outputs[4 * t + 2 * i + j] = inside ? out + ((n * outputHeight + oh + i) * outputWidth + ow + j) * outputChannels : nil
                }
            }
        }
    }
}

/// The Winograd transforms of CConvKitKernels (ck_winograd_f2x3_*) for Float and Double.
struct WinogradKernels<T> {
    let isa: Int32

    init(_ policy: KernelPolicy) { isa = policy.code }

    func weights(c0: Int, c1: Int, c: Int, k: Int, w: UnsafePointer<T>, u: UnsafeMutablePointer<T>, uStride: Int, nr: Int) {
        let (w, u) = (UnsafeRawPointer(w), UnsafeMutableRawPointer(u))
        if T.self == Float.self {
            ck_winograd_f2x3_weights_f32(isa, c0, c1, c, k, w.assumingMemoryBound(to: Float.self), u.assumingMemoryBound(to: Float.self), uStride, nr)
        } else {
            ck_winograd_f2x3_weights_f64(isa, c0, c1, c, k, w.assumingMemoryBound(to: Double.self), u.assumingMemoryBound(to: Double.self), uStride, nr)
        }
    }

    func input(tiles: Int, c: Int, pixels: UnsafePointer<UnsafePointer<T>>, v: UnsafeMutablePointer<T>, ldv: Int) {
        let (pixels, v) = (UnsafeRawPointer(pixels), UnsafeMutableRawPointer(v))
        if T.self == Float.self {
            ck_winograd_f2x3_input_f32(
                isa, tiles, c, pixels.assumingMemoryBound(to: UnsafePointer<Float>?.self), v.assumingMemoryBound(to: Float.self), ldv)
        } else {
            ck_winograd_f2x3_input_f64(
                isa, tiles, c, pixels.assumingMemoryBound(to: UnsafePointer<Double>?.self), v.assumingMemoryBound(to: Double.self), ldv)
        }
    }

    func gradient(tiles: Int, k: Int, pixels: UnsafePointer<UnsafePointer<T>?>, e: UnsafeMutablePointer<T>, xiStride: Int, panelStride: Int, nr: Int) {
        let (pixels, e) = (UnsafeRawPointer(pixels), UnsafeMutableRawPointer(e))
        if T.self == Float.self {
            ck_winograd_f2x3_gradient_f32(
                isa, tiles, k, pixels.assumingMemoryBound(to: UnsafePointer<Float>?.self), e.assumingMemoryBound(to: Float.self), xiStride, panelStride, nr)
        } else {
            ck_winograd_f2x3_gradient_f64(
                isa, tiles, k, pixels.assumingMemoryBound(to: UnsafePointer<Double>?.self), e.assumingMemoryBound(to: Double.self), xiStride, panelStride, nr)
        }
    }

    func weightGradient(c0: Int, c1: Int, c: Int, k: Int, m: UnsafePointer<T>, xiStride: Int, dw: UnsafeMutablePointer<T>) {
        let (m, dw) = (UnsafeRawPointer(m), UnsafeMutableRawPointer(dw))
        if T.self == Float.self {
            ck_winograd_f2x3_weight_gradient_f32(isa, c0, c1, c, k, m.assumingMemoryBound(to: Float.self), xiStride, dw.assumingMemoryBound(to: Float.self))
        } else {
            ck_winograd_f2x3_weight_gradient_f64(isa, c0, c1, c, k, m.assumingMemoryBound(to: Double.self), xiStride, dw.assumingMemoryBound(to: Double.self))
        }
    }

    func output(tiles: Int, k: Int, m: UnsafePointer<T>, ldm: Int, pixels: UnsafePointer<UnsafeMutablePointer<T>?>, bias: UnsafePointer<T>?) {
        let (m, pixels, bias) = (UnsafeRawPointer(m), UnsafeRawPointer(pixels), bias.map(UnsafeRawPointer.init))
        if T.self == Float.self {
            ck_winograd_f2x3_output_f32(
                isa, tiles, k, m.assumingMemoryBound(to: Float.self), ldm, pixels.assumingMemoryBound(to: UnsafeMutablePointer<Float>?.self),
                bias?.assumingMemoryBound(to: Float.self))
        } else {
            ck_winograd_f2x3_output_f64(
                isa, tiles, k, m.assumingMemoryBound(to: Double.self), ldm, pixels.assumingMemoryBound(to: UnsafeMutablePointer<Double>?.self),
                bias?.assumingMemoryBound(to: Double.self))
        }
    }
}
