/// A pair of sizes for the height and width axes: a stride, a dilation, a window.
///
/// An integer literal sets both axes: `stride: 2` is `Size2D(height: 2, width: 2)`.
public struct Size2D: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The size along the height (rows) axis.
    public var height: Int
    /// The size along the width (columns) axis.
    public var width: Int

    /// A size per axis.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// A size per axis, height first.
    public init(_ height: Int, _ width: Int) {
        self.init(height: height, width: width)
    }

    /// The same size on both axes.
    public init(integerLiteral value: Int) {
        self.init(height: value, width: value)
    }

    public var description: String { "(\(height), \(width))" }
}

/// Where the channel axis sits in a 4-d activation tensor.
public enum TensorLayout: String, Sendable, Hashable, CaseIterable {
    /// `[N, H, W, C]` activations; convolution weights `[R, S, C/groups, K]`, as in the course
    /// and TensorFlow.
    case nhwc
    /// `[N, C, H, W]` activations; convolution weights `[K, C/groups, R, S]`, as in cs231n and
    /// PyTorch.
    case nchw
}
