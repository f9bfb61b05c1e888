/// Which statistic a pooling window takes.
public enum PoolMode: String, Sendable, Hashable, CaseIterable {
    /// The largest value in the window; NaN if the window holds one, as in PyTorch. Its index
    /// and gradient go to the window's first NaN (PyTorch's CPU kernel picks the last one).
    case max
    /// The mean of the window; see ``Pool2DOptions/countIncludePad`` for the divisor.
    case average
}

/// Where the gradient of a max-pooling window goes when several elements tie for the maximum.
public enum MaxTiePolicy: String, Sendable, Hashable, CaseIterable {
    /// The whole gradient to the first maximum in scan order (row by row), as PyTorch,
    /// TensorFlow and ONNX do.
    case first
    /// The full gradient to every tied maximum: the course's `mask = (x == np.max(x))`.
    case all
    /// The gradient divided evenly among the tied maxima, as MLX and cs231n's fast pooling do.
    case splitEvenly
}

/// Hyper-parameters of 2-d max or average pooling.
///
/// Shapes: input `[N, H, W, C]` (`.nhwc`) or `[N, C, H, W]` (`.nchw`); output `[N, P, Q, C]`
/// or `[N, C, P, Q]` with, along each axis, `P = (H + padTop + padBottom − dilation·(R − 1) − 1
/// + (ceilMode ? stride − 1 : 0)) / stride + 1`, less one in ceil mode when the last window
/// would start beyond the input and its top padding (PyTorch's and ONNX's rule).
///
/// ```swift
/// let pool = Pool2DOptions(.max, window: 2)                        // stride defaults to the window
/// let tfSame = Pool2DOptions(.average, window: 3, stride: 2, padding: .same, countIncludePad: false)
/// let global = Pool2DOptions.global(.average)
/// ```
public struct Pool2DOptions: Sendable, Hashable {
    /// Max or average.
    public var mode: PoolMode
    /// The window size (R, S), or `nil` for global pooling over the whole input.
    public var window: Size2D?
    /// Step between windows; `nil` means equal to the window, as in PyTorch and the course.
    public var stride: Size2D?
    /// Implicit padding. Max pooling treats it as −∞ (never selected); average pooling as zeros.
    public var padding: Padding
    /// Spacing between window taps (PyTorch has it for max pooling only; here both modes have it).
    public var dilation: Size2D
    /// Rounds the output size up instead of down; the last window must still start inside the
    /// input or its top/left padding.
    public var ceilMode: Bool
    /// Average pooling: whether padded taps count in the divisor. Default `true` as in PyTorch;
    /// TensorFlow's `SAME` average pooling and ONNX's default correspond to `false`.
    public var countIncludePad: Bool
    /// Average pooling: a fixed divisor replacing the window's count (PyTorch's `divisor_override`).
    public var divisorOverride: Int?
    /// Max pooling: also return the position of each window's maximum (see ``Pool2DCache/indices``).
    public var returnIndices: Bool
    /// Max pooling: where the gradient goes when maxima tie.
    public var maxTies: MaxTiePolicy
    /// The layout of input and output.
    public var layout: TensorLayout
    /// Which implementation computes the pooling; all give identical results.
    public var algorithm: PoolAlgorithm
    /// Threads for this call; `nil` uses ``ConvKitRuntime/threads``.
    public var threads: Int?

    /// Creates pooling options; defaults follow PyTorch, except the layout, which follows the
    /// course (NHWC).
    public init(
        _ mode: PoolMode, window: Size2D?, stride: Size2D? = nil, padding: Padding = .valid,
        dilation: Size2D = 1, ceilMode: Bool = false, countIncludePad: Bool = true,
        divisorOverride: Int? = nil, returnIndices: Bool = false, maxTies: MaxTiePolicy = .first,
        layout: TensorLayout = .nhwc, algorithm: PoolAlgorithm = .fast, threads: Int? = nil
    ) {
        self.mode = mode
        self.window = window
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        self.returnIndices = returnIndices
        self.maxTies = maxTies
        self.layout = layout
        self.algorithm = algorithm
        self.threads = threads
    }

    /// Global pooling: one window covering the whole input, output `[N, 1, 1, C]` or `[N, C, 1, 1]`.
    public static func global(_ mode: PoolMode, layout: TensorLayout = .nhwc) -> Pool2DOptions {
        Pool2DOptions(mode, window: nil, layout: layout)
    }
}

/// The implementations of pooling.
public enum PoolAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Plain loops written like the course's `pool_forward` and `pool_backward`.
    case reference
    /// Vectorised along the contiguous axis and multithreaded (the default).
    case fast
}

/// What a pooling forward pass keeps for its backward pass.
public struct Pool2DCache<Scalar: ConvKitFloat>: Sendable {
    /// The input as given to the forward pass.
    public let input: Tensor<Scalar>
    /// The options of the forward pass.
    public let options: Pool2DOptions
    /// Sizes and pads resolved from the shapes and options.
    public let geometry: Pool2DGeometry
    /// With `returnIndices` and max pooling: for each output element, the flat index
    /// `h · W + w` of its first maximum within its (n, c) input plane, as PyTorch returns.
    /// Shaped like the output.
    public let indices: Tensor<Int>?
    /// The fast path's argmax taps for the backward pass (max pooling with `.first` ties only).
    let argmax: PoolArgmax?
}
