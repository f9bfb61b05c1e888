/// The sizes of one convolution, resolved from the tensors' shapes and the options.
///
/// Layout-neutral names: batch `N`, input channels `C`, input `H × W`, output channels `K`,
/// kernel `R × S`, output `P × Q`, `G` groups.
public struct Conv2DGeometry: Sendable, Hashable {
    public var batch: Int
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var outputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var padding: ResolvedPadding
    public var stride: Size2D
    public var dilation: Size2D
    public var groups: Int

    /// Input channels per group, `C / G`.
    public var inputChannelsPerGroup: Int { inputChannels / groups }
    /// Output channels per group, `K / G`.
    public var outputChannelsPerGroup: Int { outputChannels / groups }
    /// Whether output pixel m reads input pixel m alone (a 1 × 1 kernel, stride 1, no padding):
    /// a block of output pixels then needs only the same block of the input.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == Size2D(1, 1)
            && padding.top == 0 && padding.left == 0 && padding.bottom == 0 && padding.right == 0
    }
    /// Multiply-adds of the forward pass times two.
    public var flops: Double {
        2 * Double(batch) * Double(outputChannels) * Double(outputHeight * outputWidth)
            * Double(inputChannelsPerGroup * kernelHeight * kernelWidth)
    }
}

/// The sizes of one pooling layer, resolved from the input's shape and the options.
public struct Pool2DGeometry: Sendable, Hashable {
    public var batch: Int
    public var channels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var windowHeight: Int
    public var windowWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var padding: ResolvedPadding
    public var stride: Size2D
    public var dilation: Size2D
}
