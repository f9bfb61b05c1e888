import CConvKitKernels

/// Fills `pointers` (count × R·S) with the input pixel each tap of output rows `m0 ..< m0 + count`
/// reads (`zero` for zero padding), from the tap table's rows (P × R) and columns (Q × S); `base`
/// holds the pixels from `origin` on (counted across the batch).
func forwardTapPointers<T>(
    base: UnsafePointer<T>, pixelStride: Int, origin: Int = 0, m0: Int, count: Int, geometry g: Conv2DGeometry,
    tapRows: UnsafeBufferPointer<Int>, tapColumns: UnsafeBufferPointer<Int>, zero: UnsafePointer<T>,
    into pointers: UnsafeMutablePointer<UnsafePointer<T>>
) {
    guard let rows = tapRows.baseAddress, let columns = tapColumns.baseAddress else { return }
    ck_forward_tap_pointers(
        UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), MemoryLayout<T>.stride, pixelStride, origin, m0, count,
        g.outputHeight, g.outputWidth, g.inputHeight, g.inputWidth, rows, g.kernelHeight, columns, g.kernelWidth,
        UnsafeRawPointer(zero).assumingMemoryBound(to: CChar.self),
        UnsafeMutableRawPointer(pointers).assumingMemoryBound(to: UnsafePointer<CChar>?.self))
}

extension Conv2DGeometry {
    /// The input rows (counted across the batch, `n · H + h`) that output pixels
    /// `m0 ..< m0 + count` read with zero padding: from the first one's top row to the last
    /// one's bottom row, every row of any image between.
    func inputRows(outputPixels m0: Int, count: Int) -> Range<Int> {
        let (first, last) = (m0 / outputWidth, (m0 + count - 1) / outputWidth)
        let reach = (kernelHeight - 1) * dilation.height + 1
        func row(_ outputRow: Int, _ offset: Int) -> Int {
            let (n, p) = (outputRow / outputHeight, outputRow % outputHeight)
            return n * inputHeight + min(inputHeight, max(0, p * stride.height - padding.top + offset))
        }
        let top = row(first, 0)
        return top ..< max(top, row(last, reach))
    }
}

/// ``forwardTapPointers(base:pixelStride:origin:m0:count:geometry:tapRows:tapColumns:zero:into:)``
/// for an NCHW x (zero padding): the input rows output pixels `m0 ..< m0 + count` read, of
/// `channels` planes from `planes` (image 0's first), transposed into `staged` as NHWC pixels
/// first; the taps point there.
func stagedTapPointers<T>(
    _ reader: NCHWReader<T>, planes: UnsafePointer<T>, channels: Int, m0: Int, count: Int, geometry g: Conv2DGeometry,
    tapRows: UnsafeBufferPointer<Int>, tapColumns: UnsafeBufferPointer<Int>, zero: UnsafePointer<T>,
    staged: UnsafeMutablePointer<T>, into pointers: UnsafeMutablePointer<UnsafePointer<T>>
) {
    let rows = g.inputRows(outputPixels: m0, count: count)
    let origin = rows.lowerBound * g.inputWidth
    if !rows.isEmpty {
        reader.read(planes, channels: channels, pixels: origin, count: rows.count * g.inputWidth, into: staged, ld: channels)
    }
    forwardTapPointers(
        base: staged, pixelStride: channels, origin: origin, m0: m0, count: count, geometry: g,
        tapRows: tapRows, tapColumns: tapColumns, zero: zero, into: pointers)
}

extension PackedGEMM {
    /// C = A · B for n ≤ 4 columns: `C[i][j] = Σ_t Σ_k rows[i·taps + t][k] · bTaps[t][j·bColumnStride + k]`.
    func runFewColumns(
        m: Int, n: Int, taps: Int, channels: Int, rows: UnsafePointer<UnsafePointer<T>>,
        bTaps: UnsafePointer<UnsafePointer<T>>, bColumnStride: Int, c: UnsafeMutablePointer<T>,
        rowOffsets: UnsafePointer<Int>
    ) {
        let rawRows = UnsafeRawPointer(rows)
        let rawTaps = UnsafeRawPointer(bTaps)
        if T.self == Float.self {
            ck_sgemm_few_columns(
                isa.code, m, n, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Float>?.self),
                rawTaps.assumingMemoryBound(to: UnsafePointer<Float>?.self), bColumnStride,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), rowOffsets)
        } else {
            ck_dgemm_few_columns(
                isa.code, m, n, taps, channels, rawRows.assumingMemoryBound(to: UnsafePointer<Double>?.self),
                rawTaps.assumingMemoryBound(to: UnsafePointer<Double>?.self), bColumnStride,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), rowOffsets)
        }
    }
}
