/// Hyper-parameters of adaptive pooling (PyTorch's `AdaptiveAvgPool2d` and `AdaptiveMaxPool2d`):
/// the output size is given and each output cell pools its own window.
///
/// Along each axis, output cell `i` of `P` pools input rows `⌊i·H/P⌋ ..< ⌈(i+1)·H/P⌉`, PyTorch's
/// rule: the windows cover the input, neighbours may overlap by a row, and `P > H` repeats rows.
/// Shapes: input `[N, H, W, C]` (`.nhwc`) or `[N, C, H, W]` (`.nchw`), output `[N, P, Q, C]` or
/// `[N, C, P, Q]`.
///
/// ```swift
/// let head = AdaptivePool2DOptions(.average, outputSize: 1)        // global average pooling
/// let (y, cache) = try adaptivePool2dForward(x, options: AdaptivePool2DOptions(.max, outputSize: 7))
/// ```
public struct AdaptivePool2DOptions: Sendable, Hashable {
    /// Maximum or mean of each window. The maximum takes the first of tied values, and NaN when
    /// the window holds one (its index that of the first NaN).
    public var mode: PoolMode
    /// The output's height and width (each ≥ 1).
    public var outputSize: Size2D
    /// The layout of input and output.
    public var layout: TensorLayout
    /// `.reference` (one output element at a time) or `.fast` (along the contiguous axis,
    /// multithreaded); both take the same values in the same order, so they give the same bits.
    public var algorithm: PoolAlgorithm
    /// Threads for this call; `nil` uses ``ConvKitRuntime/threads``.
    public var threads: Int?

    /// Creates adaptive pooling options.
    public init(
        _ mode: PoolMode, outputSize: Size2D, layout: TensorLayout = .nhwc, algorithm: PoolAlgorithm = .fast,
        threads: Int? = nil
    ) {
        self.mode = mode
        self.outputSize = outputSize
        self.layout = layout
        self.algorithm = algorithm
        self.threads = threads
    }
}

/// What ``adaptivePool2dForward(_:options:)`` keeps for its backward pass.
public struct AdaptivePool2DCache<Scalar: ConvKitFloat>: Sendable {
    /// The input's shape.
    public let inputShape: [Int]
    /// The options of the forward pass.
    public let options: AdaptivePool2DOptions
    /// Max pooling: for each output element, the flat index `h · W + w` of its maximum within
    /// its (n, c) input plane, as PyTorch returns; shaped like the output. `nil` for averages.
    public let indices: Tensor<Int>?
}

/// Adaptive max or average pooling; see ``AdaptivePool2DOptions``.
///
/// - Throws: ``ConvKitError`` for an input that is not rank 4 or has an empty plane, or an
///   output size below 1 or too large.
public func adaptivePool2dForward<T: ConvKitFloat>(
    _ x: Tensor<T>, options: AdaptivePool2DOptions
) throws -> (output: Tensor<T>, cache: AdaptivePool2DCache<T>) {
    let plan = try AdaptivePoolPlan(x.shape, options: options, elementBytes: MemoryLayout<T>.stride, function: "adaptivePool2dForward")
    let count = plan.n * plan.c * plan.p * plan.q
    var output = [T](repeating: 0, count: count)
    var indices = [Int](repeating: 0, count: options.mode == .max ? count : 0)
    x.scalars.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in
            indices.withUnsafeMutableBufferPointer { arg in
                plan.forward(x, y, arg)
            }
        }
    }
    let shape = plan.outputShape
    let cache = AdaptivePool2DCache<T>(
        inputShape: x.shape, options: options,
        indices: options.mode == .max ? Tensor(uncheckedShape: shape, scalars: indices) : nil)
    return (Tensor(uncheckedShape: shape, scalars: output), cache)
}

/// The input gradient of ``adaptivePool2dForward(_:options:)``: each output gradient goes to
/// its window's maximum, or is spread evenly over its window (`dy / (rows · columns)`); where
/// windows overlap, the gradients add.
///
/// - Throws: ``ConvKitError`` when `gradOutput`'s shape differs from the forward output's.
public func adaptivePool2dBackward<T: ConvKitFloat>(_ gradOutput: Tensor<T>, cache: AdaptivePool2DCache<T>) throws -> Tensor<T> {
    let function = "adaptivePool2dBackward"
    let plan = try AdaptivePoolPlan(cache.inputShape, options: cache.options, elementBytes: MemoryLayout<T>.stride, function: function)
    guard gradOutput.shape == plan.outputShape else {
        throw ConvKitError(
            function, "gradOutput has shape \(shapeString(gradOutput.shape)) but the forward output had "
                + "\(shapeString(plan.outputShape)) (input \(shapeString(cache.inputShape)))")
    }
    var dx = [T](repeating: 0, count: cache.inputShape.reduce(1, *))
    let indices = cache.indices?.scalars ?? []
    gradOutput.scalars.withUnsafeBufferPointer { dy in
        dx.withUnsafeMutableBufferPointer { dx in
            indices.withUnsafeBufferPointer { arg in
                plan.backward(dy, arg, dx)
            }
        }
    }
    return Tensor(uncheckedShape: cache.inputShape, scalars: dx)
}

/// The windows of an adaptive pooling and the loops over them, in either layout.
struct AdaptivePoolPlan {
    let (n, c, h, w, p, q): (Int, Int, Int, Int, Int, Int)
    let options: AdaptivePool2DOptions
    /// Window bounds along each axis: output row i pools rows `rows[i].lo ..< rows[i].hi`.
    let rows: [(lo: Int, hi: Int)]
    let columns: [(lo: Int, hi: Int)]

    init(_ shape: [Int], options: AdaptivePool2DOptions, elementBytes: Int, function: String) throws {
        guard shape.count == 4 else {
            throw ConvKitError(function, "input must have rank 4, got shape \(shapeString(shape))")
        }
        let nhwc = options.layout == .nhwc
        (n, c, h, w) = nhwc ? (shape[0], shape[3], shape[1], shape[2]) : (shape[0], shape[1], shape[2], shape[3])
        (p, q) = (options.outputSize.height, options.outputSize.width)
        guard h >= 1, w >= 1, c >= 1 else {
            throw ConvKitError(function, "the input's height, width and channels must be at least 1, got shape \(shapeString(shape))")
        }
        try options.outputSize.validatePositive("outputSize", function: function)
        // An empty batch still builds the window tables: they count too.
        let count = try Checked.product(max(n, 1), c, p, q, what: "the output's elements", in: function)
        try ResourceLimits.check(elements: count, of: elementBytes + 8, what: "the output", in: function)
        // PyTorch's bounds ⌊i·H/P⌋ and ⌈(i+1)·H/P⌉; (P + 1)·H bounds every product formed.
        _ = try Checked.product(p + 1, h, what: "the window bounds along the height", in: function)
        _ = try Checked.product(q + 1, w, what: "the window bounds along the width", in: function)
        func windows(_ input: Int, _ output: Int) -> [(lo: Int, hi: Int)] {
            (0..<output).map { i in (i * input / output, ((i + 1) * input + output - 1) / output) }
        }
        rows = windows(h, p)
        columns = windows(w, q)
        self.options = options
    }

    var outputShape: [Int] { options.layout == .nhwc ? [n, p, q, c] : [n, c, p, q] }

    /// Offsets of element (image, channel, row, column) of the input and of the output.
    func inputOffset(_ i: Int, _ ch: Int, _ row: Int, _ column: Int) -> Int {
        options.layout == .nhwc ? ((i * h + row) * w + column) * c + ch : ((i * c + ch) * h + row) * w + column
    }

    func outputOffset(_ i: Int, _ ch: Int, _ row: Int, _ column: Int) -> Int {
        options.layout == .nhwc ? ((i * p + row) * q + column) * c + ch : ((i * c + ch) * p + row) * q + column
    }
}

extension AdaptivePoolPlan {
    /// Threads for the fast path: one for calls too small to repay waking the workers.
    var threads: Int {
        options.algorithm == .reference || n * c * h * w < 1 << 16 ? 1 : max(1, options.threads ?? ConvKitRuntime.threads)
    }

    /// Output (row, column) of plane (i, ch): the window's maximum and the flat index of its
    /// first maximum (or first NaN), or its mean; the window read row by row.
    func pool<T: ConvKitFloat>(_ x: UnsafePointer<T>, _ i: Int, _ ch: Int, _ row: Int, _ column: Int) -> (value: T, index: Int) {
        let ((r0, r1), (s0, s1)) = (rows[row], columns[column])
        var (value, index) = (x[inputOffset(i, ch, r0, s0)], r0 * w + s0)
        for hh in r0..<r1 {
            for ww in s0..<s1 where hh != r0 || ww != s0 {
                let v = x[inputOffset(i, ch, hh, ww)]
                switch options.mode {
                case .max where v > value || (v.isNaN && !value.isNaN): (value, index) = (v, hh * w + ww)
                case .max: break
                case .average: value += v
                }
            }
        }
        return options.mode == .max ? (value, index) : (value / T((r1 - r0) * (s1 - s0)), index)
    }

    /// y (and arg, for max pooling) from x.
    func forward<T: ConvKitFloat>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>, _ arg: UnsafeMutableBufferPointer<Int>) {
        guard let x = x.baseAddress, let y = y.baseAddress else { return }
        let isMax = options.mode == .max
        guard options.algorithm == .fast, options.layout == .nhwc else {
            // The loops, one output element at a time (images in parallel on the fast path).
            ThreadPool.shared.parallelFor(n, threads: threads) { i, _ in
                for ch in 0..<c {
                    for row in 0..<p {
                        for column in 0..<q {
                            let o = outputOffset(i, ch, row, column)
                            let (value, index) = pool(x, i, ch, row, column)
                            y[o] = value
                            if isMax { arg[o] = index }
                        }
                    }
                }
            }
            return
        }
        // NHWC: a row of output pixels per item, the same operations as `pool` along the channels.
        ThreadPool.shared.parallelFor(n * p, threads: threads) { item, _ in
            let (i, row) = (item / p, item % p)
            let (r0, r1) = rows[row]
            for column in 0..<q {
                let (s0, s1) = columns[column]
                let out = y + outputOffset(i, 0, row, column)
                out.update(from: x + inputOffset(i, 0, r0, s0), count: c)
                // (An empty array's buffer may still have an address: test the mode, not the pointer.)
                let index = isMax ? arg.baseAddress.map { $0 + outputOffset(i, 0, row, column) } : nil
                index?.update(repeating: r0 * w + s0, count: c)
                for hh in r0..<r1 {
                    for ww in s0..<s1 where hh != r0 || ww != s0 {
                        let v = x + inputOffset(i, 0, hh, ww)
                        if let index {
                            for ch in 0..<c where v[ch] > out[ch] || (v[ch].isNaN && !out[ch].isNaN) {
                                (out[ch], index[ch]) = (v[ch], hh * w + ww)
                            }
                        } else {
                            for ch in 0..<c { out[ch] += v[ch] }
                        }
                    }
                }
                if !isMax {
                    let size = T((r1 - r0) * (s1 - s0))
                    for ch in 0..<c { out[ch] /= size }
                }
            }
        }
    }

    /// dx from dy (and arg, for max pooling); dx starts at zero.
    ///
    /// In the forward pass this was: y[o] = max over the window (or Σ window / size), so now we
    /// have: dx[argmax] += dy[o] (or dx[window] += dy[o] / size). Images run in parallel; within
    /// one, the outputs are taken in row-major order on both paths, so every sum is the same.
    func backward<T: ConvKitFloat>(_ dy: UnsafeBufferPointer<T>, _ arg: UnsafeBufferPointer<Int>, _ dx: UnsafeMutableBufferPointer<T>) {
        guard let dy = dy.baseAddress, let dx = dx.baseAddress else { return }
        ThreadPool.shared.parallelFor(n, threads: threads) { i, _ in
            for row in 0..<p {
                for column in 0..<q {
                    let ((r0, r1), (s0, s1)) = (rows[row], columns[column])
                    let size = T((r1 - r0) * (s1 - s0))
                    for ch in 0..<c {
                        let o = outputOffset(i, ch, row, column)
                        if options.mode == .max {
                            dx[inputOffset(i, ch, arg[o] / w, arg[o] % w)] += dy[o]
                        } else {
                            let share = dy[o] / size
                            for hh in r0..<r1 {
                                for ww in s0..<s1 { dx[inputOffset(i, ch, hh, ww)] += share }
                            }
                        }
                    }
                }
            }
        }
    }
}
