/// The layout conversions of the NCHW API (`TensorLayout+Conversion.swift`): rank-4 permutations
/// on pointers, in parallel, instead of ``Tensor/transposed(_:)``'s index arithmetic per element.
///
/// An activation's conversion (NCHW ↔ NHWC) is, for each image, the transpose of a
/// (rows, columns) matrix; it runs in square blocks so that both the reads and the writes stay
/// within a few cache lines. Any other permutation (the weights') copies rows of the output
/// with one source stride.
extension Tensor {
    /// `transposed(axes)` for a rank-4 tensor and a permutation of its axes (unchecked).
    static func permuted4(_ x: Tensor, _ axes: [Int], threads: Int = ConvKitRuntime.threads) -> Tensor {
        let shape = x.shape
        let newShape = axes.map { shape[$0] }
        let count = x.count
        guard count > 0 else { return Tensor(uncheckedShape: newShape, scalars: []) }
        // Large tensors only: a thread's start costs more than converting a few thousand elements.
        let participants = count < 1 << 16 ? 1 : Swift.max(1, threads)
        let scalars = [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress, let dst = out.baseAddress else { return }
                if axes == [0, 2, 3, 1] {
                    batchedTranspose(src, dst, batch: shape[0], rows: shape[1], columns: shape[2] * shape[3], threads: participants)
                } else if axes == [0, 3, 1, 2] {
                    batchedTranspose(src, dst, batch: shape[0], rows: shape[1] * shape[2], columns: shape[3], threads: participants)
                } else {
                    permuteRows(src, dst, shape: shape, axes: axes, threads: participants)
                }
            }
            initialized = count
        }
        return Tensor(uncheckedShape: newShape, scalars: scalars)
    }
}

/// dst[b][j][i] = src[b][i][j] for `batch` matrices of (rows, columns), in blocks of 32 × 32;
/// rows of blocks run in parallel.
@_specialize(where T == Float)
@_specialize(where T == Double)
private func batchedTranspose<T>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, batch: Int, rows: Int, columns: Int, threads: Int
) {
    if rows == 1 || columns == 1 {
        // A transpose of a vector moves nothing: NCHW and NHWC agree when C = 1.
        dst.update(from: src, count: batch * rows * columns)
        return
    }
    let block = 32
    let rowBlocks = (rows + block - 1) / block
    ThreadPool.shared.parallelFor(batch * rowBlocks, threads: Swift.min(threads, batch * rowBlocks)) { item, _ in
        let b = item / rowBlocks
        let i0 = item % rowBlocks * block
        let i1 = min(rows, i0 + block)
        let from = src + b * rows * columns
        let to = dst + b * rows * columns
        for j0 in stride(from: 0, to: columns, by: block) {
            let j1 = min(columns, j0 + block)
            for j in j0..<j1 {
                let out = to + j * rows
                for i in i0..<i1 { out[i] = from[i * columns + j] }
            }
        }
    }
}

/// Any rank-4 permutation: each row of the output (its last axis) is read with one source
/// stride; the output's first axis runs in parallel.
@_specialize(where T == Float)
@_specialize(where T == Double)
private func permuteRows<T>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, shape: [Int], axes: [Int], threads: Int
) {
    let sourceStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1]
    let n = axes.map { shape[$0] }
    let s = axes.map { sourceStrides[$0] }
    let perFirst = n[1] * n[2] * n[3]
    let (n1, n2, n3, s3) = (n[1], n[2], n[3], s[3])
    ThreadPool.shared.parallelFor(n[0], threads: min(threads, n[0])) { i0, _ in
        var out = dst + i0 * perFirst
        for i1 in 0..<n1 {
            for i2 in 0..<n2 {
                let row = src + i0 * s[0] + i1 * s[1] + i2 * s[2]
                for i3 in 0..<n3 { out[i3] = row[i3 * s3] }
                out += n3
            }
        }
    }
}
