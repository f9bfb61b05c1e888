import CConvKitKernels

/// The layout conversions of the NCHW API (`TensorLayout+Conversion.swift`): rank-4 permutations
/// on pointers, in parallel, instead of ``Tensor/transposed(_:)``'s index arithmetic per element.
///
/// Each conversion of the API is a batch of matrix transposes: an activation's (NCHW ↔ NHWC),
/// per image, of a (C, H·W) or (H·W, C) matrix; a weight's ((K, C, R, S) ↔ (R, S, C, K)), per input
/// channel, of a (K, R·S) or (R·S, K) matrix with rows C apart. They run in square blocks so
/// that both the reads and the writes stay within a few cache lines (element by element, the
/// weight's conversion missed the cache on every read). Other permutations take `transposed`.
extension Tensor {
    /// `transposed(axes)` for a rank-4 tensor and a permutation of its axes (unchecked).
    static func permuted4(_ x: Tensor, _ axes: [Int], threads: Int = ConvKitRuntime.threads) -> Tensor {
        let shape = x.shape
        let newShape = axes.map { shape[$0] }
        let count = x.count
        // Moving only axes of size 1 moves no element (NCHW and NHWC agree when C = 1).
        let moved = axes.filter { shape[$0] != 1 }
        guard count > 0, moved != moved.sorted() else { return Tensor(uncheckedShape: newShape, scalars: x.scalars) }
        // Large tensors only: a thread's start costs more than converting a few thousand elements.
        let participants = count < 1 << 16 ? 1 : Swift.max(1, threads)
        let (a, b, c, d) = (shape[0], shape[1], shape[2], shape[3])
        let batches: BatchedTranspose
        switch axes {
        case [0, 2, 3, 1]: batches = BatchedTranspose(batch: a, rows: b, columns: c * d, sourceBatch: b * c * d, targetBatch: b * c * d)
        case [0, 3, 1, 2]: batches = BatchedTranspose(batch: a, rows: b * c, columns: d, sourceBatch: b * c * d, targetBatch: b * c * d)
        // (K, C, R, S) → (R, S, C, K): for each channel, (K, R·S) rows C·R·S apart → (R·S, K) rows C·K apart.
        case [2, 3, 1, 0]: batches = BatchedTranspose(
            batch: b, rows: a, columns: c * d, sourceBatch: c * d, targetBatch: a,
            sourceRowStride: b * c * d, targetRowStride: b * a)
        // (R, S, C, K) → (K, C, R, S): for each channel, (R·S, K) rows C·K apart → (K, R·S) rows C·R·S apart.
        case [3, 2, 0, 1]: batches = BatchedTranspose(
            batch: c, rows: a * b, columns: d, sourceBatch: d, targetBatch: a * b,
            sourceRowStride: c * d, targetRowStride: c * a * b)
        default: return (try? x.transposed(axes)) ?? x
        }
        let scalars = [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress, let dst = out.baseAddress else { return }
                batches.run(src, dst, threads: participants)
            }
            initialized = count
        }
        return Tensor(uncheckedShape: newShape, scalars: scalars)
    }
}

/// `batch` transposes: matrix t of the source is (rows, columns) at `t · sourceBatch`, rows
/// `sourceRowStride` apart (default: columns); its transpose is (columns, rows) at
/// `t · targetBatch`, rows `targetRowStride` apart (default: rows).
private struct BatchedTranspose {
    let batch, rows, columns, sourceBatch, targetBatch, sourceRowStride, targetRowStride: Int

    init(batch: Int, rows: Int, columns: Int, sourceBatch: Int, targetBatch: Int,
         sourceRowStride: Int? = nil, targetRowStride: Int? = nil) {
        (self.batch, self.rows, self.columns, self.sourceBatch, self.targetBatch) = (batch, rows, columns, sourceBatch, targetBatch)
        self.sourceRowStride = sourceRowStride ?? columns
        self.targetRowStride = targetRowStride ?? rows
    }

    /// Strips of 64 rows of every matrix run in parallel, each through the C transpose (blocks
    /// transposed in registers) for Float and Double, in blocks of 32 × 32 otherwise.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, threads: Int) {
        let strip = 64
        let strips = (rows + strip - 1) / strip
        let (rows, columns, sourceRowStride, targetRowStride) = (rows, columns, sourceRowStride, targetRowStride)
        let (sourceBatch, targetBatch) = (sourceBatch, targetBatch)
        let kernel = TransposeKernel<T>(
            KernelPolicy.current, streaming: batch * rows * columns * MemoryLayout<T>.stride >= transposeStreamingBytes)
        ThreadPool.shared.parallelFor(batch * strips, threads: Swift.min(threads, batch * strips)) { item, _ in
            let b = item / strips
            let i0 = item % strips * strip
            let i1 = Swift.min(rows, i0 + strip)
            let from = src + b * sourceBatch + i0 * sourceRowStride
            let to = dst + b * targetBatch + i0
            if let kernel {
                kernel.run(rows: i1 - i0, columns: columns, from, sourceRowStride, to, targetRowStride)
                return
            }
            for j0 in Swift.stride(from: 0, to: columns, by: 32) {
                for j in j0 ..< Swift.min(columns, j0 + 32) {
                    let out = to + j * targetRowStride
                    for i in 0..<(i1 - i0) { out[i] = from[i * sourceRowStride + j] }
                }
            }
        }
    }
}

/// Results of at least this many bytes are transposed around the caches (ck_transpose_f32's
/// `stream`), so that they are not read before they are written: from half of a 32 MiB L3, as
/// pooling streams (a 51 MB NCHW-to-NHWC conversion took a third of the time; a 13 MB one 14 %
/// less).
let transposeStreamingBytes = 16 << 20

/// The C transpose (ck_transpose_f32) for Float and Double.
struct TransposeKernel<T> {
    let isa: Int32
    /// Whether whole lines of the result are stored around the caches.
    let streaming: Bool

    /// nil for element types the C kernels do not have.
    init?(_ policy: KernelPolicy, streaming: Bool = false) {
        guard T.self == Float.self || T.self == Double.self else { return nil }
        isa = policy.code
        self.streaming = streaming
    }

    /// dst[j · ldDst + i] = src[i · ldSrc + j] for i < rows, j < columns.
    func run(rows: Int, columns: Int, _ src: UnsafePointer<T>, _ ldSrc: Int, _ dst: UnsafeMutablePointer<T>, _ ldDst: Int) {
        let (source, target) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        if T.self == Float.self {
            ck_transpose_f32(
                isa, rows, columns, source.assumingMemoryBound(to: Float.self), ldSrc,
                target.assumingMemoryBound(to: Float.self), ldDst, streaming ? 1 : 0)
        } else {
            ck_transpose_f64(
                isa, rows, columns, source.assumingMemoryBound(to: Double.self), ldSrc,
                target.assumingMemoryBound(to: Double.self), ldDst, streaming ? 1 : 0)
        }
    }
}

/// Writes `count` consecutive NHWC pixels of `channels` values (rows of a block, `channels`
/// apart), pixels `m0 ..< m0 + count` of a batch of `pixelsPerImage`-pixel images, into the
/// planes of an NCHW tensor whose images are `imageStride` apart: the fused last step of a
/// kernel whose result the caller wants in NCHW.
struct NCHWWriter<T> {
    let transpose: TransposeKernel<T>
    let channels: Int
    let pixelsPerImage: Int
    let imageStride: Int

    /// `images`: the batch, which decides whether the result streams around the caches.
    init?(_ policy: KernelPolicy, channels: Int, pixelsPerImage: Int, imageStride: Int, images: Int) {
        let bytes = images * imageStride * MemoryLayout<T>.stride
        guard let transpose = TransposeKernel<T>(policy, streaming: bytes >= transposeStreamingBytes) else { return nil }
        (self.transpose, self.channels, self.pixelsPerImage, self.imageStride) = (transpose, channels, pixelsPerImage, imageStride)
    }

    /// `out` points at the first of the block's planes in image 0.
    func write(_ block: UnsafePointer<T>, pixels m0: Int, count: Int, into out: UnsafeMutablePointer<T>) {
        var done = 0
        while done < count {
            let (n, pixel) = ((m0 + done) / pixelsPerImage, (m0 + done) % pixelsPerImage)
            let run = min(count - done, pixelsPerImage - pixel)
            transpose.run(
                rows: run, columns: channels, block + done * channels, channels, out + n * imageStride + pixel,
                pixelsPerImage)
            done += run
        }
    }
}

/// Reads pixels `m0 ..< m0 + count` of `channels` consecutive planes of an NCHW tensor (a batch
/// of `pixelsPerImage`-pixel images, `imageStride` apart) as NHWC rows `ld` apart: the fused
/// first step of a kernel that reads NHWC rows, the reverse of ``NCHWWriter``.
struct NCHWReader<T> {
    let transpose: TransposeKernel<T>
    let pixelsPerImage: Int
    let imageStride: Int

    init?(_ policy: KernelPolicy, pixelsPerImage: Int, imageStride: Int) {
        guard let transpose = TransposeKernel<T>(policy) else { return nil }
        (self.transpose, self.pixelsPerImage, self.imageStride) = (transpose, pixelsPerImage, imageStride)
    }

    /// `planes` points at the first plane read, in image 0.
    func read(
        _ planes: UnsafePointer<T>, channels: Int, pixels m0: Int, count: Int,
        into block: UnsafeMutablePointer<T>, ld: Int
    ) {
        var done = 0
        while done < count {
            let (n, pixel) = ((m0 + done) / pixelsPerImage, (m0 + done) % pixelsPerImage)
            let run = min(count - done, pixelsPerImage - pixel)
            transpose.run(
                rows: channels, columns: run, planes + n * imageStride + pixel, pixelsPerImage, block + done * ld, ld)
            done += run
        }
    }
}
