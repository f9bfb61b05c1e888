/// NCHW operands of ``WinogradConvolution``, nothing converted whole: the rows of the planes a
/// block of tiles reads pass through NHWC scratch, transposed while in cache, and so do the rows
/// it writes. The transforms then read and write pixels as in NHWC, and the sums are NHWC's bit
/// for bit. Rows are counted across the batch (`n · height + h`), so that a block whose tiles
/// run from one image into the next reads one run of rows.

/// The size of x and the result from which NCHW Winograd calls pass rows through scratch
/// (``WinogradConvolution/stagesRows(_:)``).
let winogradStagingBytes = 8 << 20

/// Where tiles find pixel `i` (counted across the batch, `(n · height + h) · width + w`) of an
/// operand: at `base + (i − origin) · stride`, the tensor itself (NHWC, origin 0) or the rows of
/// it held in scratch from `origin` on.
struct TilePixels<T> {
    let base: UnsafeMutablePointer<T>
    let origin: Int
    let stride: Int

    func at(_ pixel: Int) -> UnsafeMutablePointer<T> { base + (pixel - origin) * stride }
}

extension WinogradConvolution {
    /// Whether an NCHW call passes its blocks' rows through scratch rather than converting x
    /// and the result whole (``NCHWForward``, ``NCHWBackwardData``): where the two together are
    /// at least `winogradStagingBytes`, so that whole conversions would send them out of the
    /// caches and back. Below, whole conversions cost less: blocks share their edge rows, and
    /// small images have few rows to a block. Rows through scratch against whole conversions,
    /// interleaved runs, AVX-512, AMD EPYC (Zen 4), forward / input gradient at 1 and 2 threads:
    /// resnet-56 (25.7 MB) 0.94 / 0.98 and 0.86 / 0.87; resnet-28 (12.8 MB) 0.94 / 0.98 and
    /// 0.90 / 0.91; resnet-14 (6.4 MB) 1.06 / 1.05 and 1.14 / 1.10; mnist-conv2 (4.8 MB) within
    /// the noise (0.89–1.10).
    func stagesRows<T>(_: T.Type) -> Bool {
        let elements = batch * (height * width * inputChannels + outputHeight * outputWidth * outputChannels)
        return elements * MemoryLayout<T>.stride >= winogradStagingBytes
    }

    /// The input rows tiles t0 ..< t0 + count read, counted across the batch: from the first
    /// tile's top row to the last one's bottom row (every row of any image between), padding
    /// left out.
    func inputRows(_ t0: Int, _ count: Int) -> Range<Int> {
        let (first, last) = (t0 / tileColumns, (t0 + count - 1) / tileColumns)
        let top = first / tileRows * height + min(height, max(0, first % tileRows * 2 - padTop))
        let bottom = last / tileRows * height + min(height, max(0, last % tileRows * 2 - padTop + 4))
        return top ..< max(top, bottom)
    }

    /// The output rows tiles t0 ..< t0 + count cover, counted across the batch (all of each row,
    /// also where the tiles cover part of it).
    func outputRows(_ t0: Int, _ count: Int) -> Range<Int> {
        let (first, last) = (t0 / tileColumns, (t0 + count - 1) / tileColumns)
        let top = first / tileRows * outputHeight + first % tileRows * 2
        return top ..< last / tileRows * outputHeight + min(outputHeight, last % tileRows * 2 + 2)
    }

    /// The most rows `rows` gives for the tile ranges `(t0, count)` of `ranges`.
    func mostRows(_ ranges: [(Int, Int)], _ rows: (Int, Int) -> Range<Int>) -> Int {
        ranges.reduce(0) { most, range in max(most, rows(range.0, range.1).count) }
    }

    /// Writes the output pixels of tiles t0 ..< t0 + count, held in `held` as NHWC pixels from
    /// pixel `origin` on, into the planes of the NCHW result `out` (its first channel's plane
    /// in image 0): runs of whole rows at once, the rows of a tile row the block has part of
    /// one by one.
    func writeBack<T>(
        _ t0: Int, _ count: Int, from held: UnsafePointer<T>, origin: Int, writer: NCHWWriter<T>,
        into out: UnsafeMutablePointer<T>
    ) {
        var run = 0 ..< 0
        func flush() {
            guard !run.isEmpty else { return }
            writer.write(held + (run.lowerBound - origin) * writer.channels, pixels: run.lowerBound, count: run.count, into: out)
        }
        for tileRow in (t0 / tileColumns)...((t0 + count - 1) / tileColumns) {
            // Tile columns a ..< b of this tile row are the block's.
            let a = max(t0, tileRow * tileColumns) - tileRow * tileColumns
            let b = min(t0 + count, (tileRow + 1) * tileColumns) - tileRow * tileColumns
            let (n, p) = (tileRow / tileRows, tileRow % tileRows * 2)
            for i in 0..<min(2, outputHeight - p) {
                let rowStart = (n * outputHeight + p + i) * outputWidth
                let segment = rowStart + 2 * a ..< rowStart + min(outputWidth, 2 * b)
                if !run.isEmpty, segment.lowerBound == run.upperBound {
                    run = run.lowerBound ..< segment.upperBound
                } else {
                    flush()
                    run = segment
                }
            }
        }
        flush()
    }

    /// Pixels `rows` (whole rows, counted across the batch) of an NCHW tensor of `channels`
    /// planes of `planeRows × planeColumns`, transposed into `scratch` as NHWC pixels: where
    /// tiles find them.
    func stage<T>(
        _ planes: UnsafePointer<T>, channels: Int, planeRows: Int, planeColumns: Int, rows: Range<Int>,
        into scratch: UnsafeMutablePointer<T>, policy: KernelPolicy
    ) -> TilePixels<T> {
        let pixels = planeRows * planeColumns
        if !rows.isEmpty, let reader = NCHWReader<T>(policy, pixelsPerImage: pixels, imageStride: channels * pixels) {
            reader.read(
                planes, channels: channels, pixels: rows.lowerBound * planeColumns, count: rows.count * planeColumns,
                into: scratch, ld: channels)
        }
        return TilePixels(base: scratch, origin: rows.lowerBound * planeColumns, stride: channels)
    }
}
