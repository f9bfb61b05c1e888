/// The scratch of one participant of ``WinogradConvolution/run(x:weight:transformed:bias:out:layout:threads:policy:)``,
/// for blocks of up to `perBlock` tiles: V and M, an NCHW block's input and output rows in NHWC,
/// and the pointer tables, each part on its own cache lines.
struct WinogradScratch<T> {
    let perBlock: Int
    /// Byte offsets of the parts, in ``Parts``' order, and the bytes of all of them.
    private let offsets: [Int]
    let bytes: Int

    /// `stagedRows`: the most input and output rows a block holds in scratch (0 for NHWC).
    init(_ w: WinogradConvolution, perBlock: Int, depth c: Int, columns k: Int, stagedRows: (input: Int, output: Int)) {
        let (element, pointer) = (MemoryLayout<T>.stride, MemoryLayout<UnsafeRawPointer>.stride)
        let sizes = [
            perBlock * 16 * c * element, perBlock * 16 * k * element,
            stagedRows.input * w.width * c * element, stagedRows.output * w.outputWidth * k * element,
            perBlock * 16 * pointer, perBlock * 16 * pointer, perBlock * 4 * pointer, perBlock * MemoryLayout<Int>.stride,
        ]
        var (offsets, total) = ([Int](), 0)
        for size in sizes {
            offsets.append(total)
            total += (size + 63) / 64 * 64
        }
        (self.perBlock, self.offsets, bytes) = (perBlock, offsets, total)
    }

    /// The parts of one participant's buffer.
    struct Parts {
        let perBlock: Int
        /// V[t][ξ] (C each) and M[t][ξ] (K each).
        let v: UnsafeMutablePointer<T>
        let m: UnsafeMutablePointer<T>
        /// An NCHW block's input rows and output rows as NHWC pixels.
        let xRows: UnsafeMutablePointer<T>
        let outRows: UnsafeMutablePointer<T>
        /// The 16 input pixels of each tile, the GEMMs' rows (`perBlock` for each ξ), the 4
        /// output pixels of each tile, and the GEMMs' row offsets.
        let inputs: UnsafeMutablePointer<UnsafePointer<T>>
        let rows: UnsafeMutablePointer<UnsafePointer<T>>
        let outputs: UnsafeMutablePointer<UnsafeMutablePointer<T>?>
        let rowOffsets: UnsafeMutablePointer<Int>
    }

    func parts(_ buffer: UnsafeMutableRawPointer) -> Parts {
        Parts(
            perBlock: perBlock,
            v: (buffer + offsets[0]).assumingMemoryBound(to: T.self), m: (buffer + offsets[1]).assumingMemoryBound(to: T.self),
            xRows: (buffer + offsets[2]).assumingMemoryBound(to: T.self), outRows: (buffer + offsets[3]).assumingMemoryBound(to: T.self),
            inputs: (buffer + offsets[4]).assumingMemoryBound(to: UnsafePointer<T>.self),
            rows: (buffer + offsets[5]).assumingMemoryBound(to: UnsafePointer<T>.self),
            outputs: (buffer + offsets[6]).assumingMemoryBound(to: UnsafeMutablePointer<T>?.self),
            rowOffsets: (buffer + offsets[7]).assumingMemoryBound(to: Int.self))
    }
}
