/// Shared pieces of the fast pooling path: per-axis tap tables, the stored argmax and the
/// thread count.

/// The argmax of every max-pooling window, as the window-local tap `r · S + s` of its first
/// maximum (scan order), stored in the output's layout. One byte per output element while the
/// window has at most 256 taps, so that the forward pass writes little more than its output.
enum PoolArgmax: Sendable {
    case narrow([UInt8])
    case wide([Int32])
}

/// Tuning of the fast pooling path.
enum PoolTuning {
    /// Calls touching fewer elements than this (input plus window taps) run on one thread:
    /// waking the workers costs about 20 µs. Tests lower it to run small shapes in parallel.
    @TaskLocal static var parallelWork = 1 << 18
}

/// Where the windows of one axis read the input: for output `o`, the window starts at input
/// `start(o)` and its taps `t` in `lo(o) ..< hi(o)` are those inside the input (at
/// `start + t · dilation`); `count(o)` is the number of taps the average's divisor counts.
///
/// Stored flat, four entries per output, so that kernels can read it through one pointer.
struct PoolAxisTable {
    let entries: [Int]
    let outputs: Int
    let taps: Int
    let stride: Int
    let dilation: Int
    /// For each tap `t`: the outputs `first ..< end` whose tap `t` is inside the input
    /// (two entries per tap; empty ranges have `first == end`).
    let tapOutputs: [Int]
    /// Whether some input element lies under two windows of this axis.
    let overlapping: Bool
    /// The input size.
    let size: Int

    init(outputs: Int, taps: Int, stride: Int, dilation: Int, before: Int, after: Int, size: Int, countPadding: Bool) {
        var entries = [Int](repeating: 0, count: 4 * outputs)
        var tapOutputs = [Int](repeating: 0, count: 2 * taps)
        for t in 0..<taps {
            tapOutputs[2 * t] = outputs
            tapOutputs[2 * t + 1] = outputs
        }
        for o in 0..<outputs {
            let start = o * stride - before
            let lo = start >= 0 ? 0 : min(taps, (-start + dilation - 1) / dilation)
            let room = size - start
            let hi = room <= 0 ? 0 : min(taps, (room + dilation - 1) / dilation)
            var count = max(0, hi - lo)
            if countPadding {
                count = (0..<taps).filter {
                    let index = start + $0 * dilation
                    return index >= -before && index < size + after
                }.count
            }
            entries[4 * o] = start
            entries[4 * o + 1] = lo
            entries[4 * o + 2] = hi
            entries[4 * o + 3] = count
            for t in lo..<max(lo, hi) {
                if tapOutputs[2 * t] == outputs { tapOutputs[2 * t] = o }
                tapOutputs[2 * t + 1] = o + 1
            }
        }
        self.entries = entries
        self.outputs = outputs
        self.taps = taps
        self.stride = stride
        self.dilation = dilation
        self.tapOutputs = tapOutputs
        overlapping = outputs > 1 && stride < dilation * (taps - 1) + 1
        self.size = size
    }
}

extension PoolAxisTable {
    /// For each input index i, the windows holding it: the (output, tap) pairs
    /// `pairs[2j], pairs[2j + 1]` for j in `start[i] ..< start[i + 1]`, in increasing output
    /// order (the max-pooling gradient gathers them).
    func inputWindows() -> (start: [Int], pairs: [Int]) {
        var start = [Int](repeating: 0, count: size + 1)
        for o in 0..<outputs {
            for t in entries[4 * o + 1]..<max(entries[4 * o + 1], entries[4 * o + 2]) {
                start[entries[4 * o] + t * dilation + 1] += 1
            }
        }
        for i in 0..<size { start[i + 1] += start[i] }
        var pairs = [Int](repeating: 0, count: 2 * start[size])
        var next = Array(start.dropLast())
        for o in 0..<outputs {
            for t in entries[4 * o + 1]..<max(entries[4 * o + 1], entries[4 * o + 2]) {
                let i = entries[4 * o] + t * dilation
                pairs[2 * next[i]] = o
                pairs[2 * next[i] + 1] = t
                next[i] += 1
            }
        }
        return (start, pairs)
    }
}

/// Everything the fast kernels need, resolved once per call.
struct PoolFastPlan {
    let g: Pool2DGeometry
    let mode: PoolMode
    let maxTies: MaxTiePolicy
    let divisorOverride: Int?
    let rows: PoolAxisTable
    let columns: PoolAxisTable
    let threads: Int
    /// The kernels the call runs.
    let policy: KernelPolicy
    /// Whether the windows cover every input element exactly once (no overlap, no gap), so that
    /// the backward pass can write each gradient element once instead of zeroing and adding.
    let tiles: Bool

    init(_ g: Pool2DGeometry, options: Pool2DOptions) {
        self.g = g
        policy = KernelPolicy.current
        mode = options.mode
        maxTies = options.maxTies
        divisorOverride = options.divisorOverride
        let countPadding = options.countIncludePad && options.divisorOverride == nil && options.mode == .average
        rows = PoolAxisTable(
            outputs: g.outputHeight, taps: g.windowHeight, stride: g.stride.height, dilation: g.dilation.height,
            before: g.padding.top, after: g.padding.bottom, size: g.inputHeight, countPadding: countPadding)
        columns = PoolAxisTable(
            outputs: g.outputWidth, taps: g.windowWidth, stride: g.stride.width, dilation: g.dilation.width,
            before: g.padding.left, after: g.padding.right, size: g.inputWidth, countPadding: countPadding)
        // Work in elements touched: the input once, plus every window tap.
        let work = g.batch * g.channels * (g.inputHeight * g.inputWidth
            + g.outputHeight * g.outputWidth * g.windowHeight * g.windowWidth)
        threads = work < PoolTuning.parallelWork ? 1 : max(1, options.threads ?? ConvKitRuntime.threads)
        func covered(_ axis: PoolAxisTable) -> Int {
            (0..<axis.outputs).reduce(0) { $0 + axis.entries[4 * $1 + 2] - axis.entries[4 * $1 + 1] }
        }
        tiles = !rows.overlapping && !columns.overlapping
            && covered(rows) == g.inputHeight && covered(columns) == g.inputWidth
    }

    /// Whether the argmax fits in a byte per output element.
    var narrowArgmax: Bool { g.windowHeight * g.windowWidth <= 256 }

    var outputCount: Int { g.batch * g.channels * g.outputHeight * g.outputWidth }

    /// Whether the forward pass's input and output (of `T`) together exceed half of a 32 MiB
    /// L3: such calls stream from memory, so the kernels prefetch the input and store the output
    /// non-temporally. Below it both cost time (a 6 MB input was read 20 % slower with prefetches).
    func streams<T>(_: T.Type) -> Bool {
        let inputCount = g.batch * g.channels * g.inputHeight * g.inputWidth
        return (inputCount + outputCount) * MemoryLayout<T>.stride >= 16 << 20
    }

    /// Splits `count` units of work into blocks for `threads` threads: about four blocks per
    /// thread, none smaller than `minimum` units (unless `count` is).
    func blockSize(_ count: Int, perBatch: Int, minimum: Int = 1) -> Int {
        guard threads > 1 else { return count }
        let wanted = (4 * threads + perBatch - 1) / perBatch
        return max(min(count, minimum), (count + wanted - 1) / wanted)
    }
}
