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
        guard count > 0 else { return Tensor(uncheckedShape: newShape, scalars: []) }
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

    /// Blocks of 32 × 32; the rows of blocks of every matrix run in parallel.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, threads: Int) {
        if (rows == 1 || columns == 1) && sourceRowStride == columns && targetRowStride == rows
            && sourceBatch == rows * columns && targetBatch == rows * columns {
            // A transpose of a vector moves nothing: NCHW and NHWC agree when C = 1.
            dst.update(from: src, count: batch * rows * columns)
            return
        }
        let block = 32
        let rowBlocks = (rows + block - 1) / block
        let (rows, columns, sourceRowStride, targetRowStride) = (rows, columns, sourceRowStride, targetRowStride)
        let (sourceBatch, targetBatch) = (sourceBatch, targetBatch)
        ThreadPool.shared.parallelFor(batch * rowBlocks, threads: Swift.min(threads, batch * rowBlocks)) { item, _ in
            let b = item / rowBlocks
            let i0 = item % rowBlocks * block
            let i1 = Swift.min(rows, i0 + block)
            let from = src + b * sourceBatch
            let to = dst + b * targetBatch
            for j0 in Swift.stride(from: 0, to: columns, by: block) {
                for j in j0 ..< Swift.min(columns, j0 + block) {
                    let out = to + j * targetRowStride
                    for i in i0..<i1 { out[i] = from[i * sourceRowStride + j] }
                }
            }
        }
    }
}
