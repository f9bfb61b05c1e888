/// Hyper-parameters of a 2-d convolution: everything but the tensors.
///
/// Shapes (see ``TensorLayout``), with `G = groups`:
/// - `.nhwc`: input `[N, H, W, C]`, weight `[R, S, C/G, K]`, output `[N, P, Q, K]`;
/// - `.nchw`: input `[N, C, H, W]`, weight `[K, C/G, R, S]`, output `[N, K, P, Q]`;
/// - bias `[K]` or the course's `[1, 1, 1, K]`;
/// - `P = (H + padTop + padBottom − dilation·(R − 1) − 1) / stride + 1` (floor), likewise `Q`.
///
/// ```swift
/// let options = Conv2DOptions(stride: 2, padding: 1)             // the course's hparameters
/// let depthwise = Conv2DOptions(padding: .same, groups: 32, layout: .nchw)
/// ```
public struct Conv2DOptions: Sendable, Hashable {
    /// Step between windows along each axis (≥ 1).
    public var stride: Size2D
    /// Implicit padding around the input.
    public var padding: Padding
    /// What fills the padding.
    public var paddingMode: PaddingMode
    /// Spacing between kernel taps along each axis (≥ 1); 1 is an ordinary convolution.
    public var dilation: Size2D
    /// Number of channel groups: input and output channels split into `groups` independent
    /// convolutions. `groups == C` with `K == C` is a depthwise convolution.
    public var groups: Int
    /// The layout of input, weight and output.
    public var layout: TensorLayout
    /// Which implementation computes the convolution; all agree to rounding.
    public var algorithm: ConvAlgorithm
    /// Threads for this call; `nil` uses ``ConvKitRuntime/threads``.
    public var threads: Int?

    /// Creates convolution options; every argument has PyTorch's default except the layout,
    /// which follows the course (NHWC).
    public init(
        stride: Size2D = 1, padding: Padding = .valid, paddingMode: PaddingMode = .zeros,
        dilation: Size2D = 1, groups: Int = 1, layout: TensorLayout = .nhwc,
        algorithm: ConvAlgorithm = .fast, threads: Int? = nil
    ) {
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.dilation = dilation
        self.groups = groups
        self.layout = layout
        self.algorithm = algorithm
        self.threads = threads
    }
}

/// The implementations of a convolution.
public enum ConvAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Plain loops written like the course's code: the reference everything is tested against.
    case reference
    /// The quickest of the fast kernels for the shape (the default): ``winograd`` for 3 × 3
    /// stride-1 convolutions of at least 16 input and output channels, ``implicitGEMM`` for
    /// the rest. Like cuDNN's and oneDNN's automatic choice, the result then differs from the
    /// direct convolution's by rounding.
    case fast
    /// Packed, cache-blocked implicit GEMM with SIMD micro-kernels, multithreaded, for every
    /// shape: the direct convolution's sums.
    case implicitGEMM
    /// Winograd's minimal filtering F(2 × 2, 3 × 3) for the forward pass and the input gradient
    /// of 3 × 3, stride-1, undilated, ungrouped, zero-padded convolutions (16 multiplications per
    /// 2 × 2 outputs and channel pair instead of 36; the weight gradient stays ``implicitGEMM``),
    /// ``implicitGEMM`` for other shapes. The transforms add inputs before multiplying, so the
    /// rounding differs from the direct sums (about 1e-6 relative in Float for unit-scale data).
    case winograd
    /// The loop-free derivation: the input gradient as a stride-1 convolution of the dilated,
    /// padded output gradient with the 180°-rotated kernel, the weight gradient as a convolution
    /// of the input with the dilated output gradient. There to teach; the benchmark shows its cost.
    case loopFree
}

/// What a convolution's forward pass keeps for its backward pass.
public struct Conv2DCache<Scalar: ConvKitFloat>: Sendable {
    /// The input as given to the forward pass.
    public let input: Tensor<Scalar>
    /// The weight as given to the forward pass.
    public let weight: Tensor<Scalar>
    /// The shape of the bias as given (`[K]` or `[1, 1, 1, K]`), or `nil` without bias.
    public let biasShape: [Int]?
    /// The options of the forward pass.
    public let options: Conv2DOptions
    /// Sizes and pads resolved from the shapes and options.
    public let geometry: Conv2DGeometry
}

/// The gradients of a convolution's loss with respect to its inputs, each shaped like the tensor
/// it differentiates.
public struct Conv2DGradients<Scalar: ConvKitFloat>: Sendable {
    /// ∂L/∂input, shaped like the input.
    public var input: Tensor<Scalar>
    /// ∂L/∂weight, shaped like the weight.
    public var weight: Tensor<Scalar>
    /// ∂L/∂bias, shaped like the bias, or `nil` when the forward pass had none.
    public var bias: Tensor<Scalar>?
}

extension ConvAlgorithm {
    /// Whether the algorithm runs the fast kernels (`.fast`, `.implicitGEMM`, `.winograd`), whose
    /// NCHW paths may read the planes in place, rather than the course's loops.
    var runsFastKernels: Bool { self != .reference && self != .loopFree }
}
