/// How much implicit padding surrounds the input of a convolution or pooling window.
///
/// Every form resolves to four explicit numbers (top, bottom, left, right); see
/// ``ResolvedPadding``.
public enum Padding: Sendable, Hashable, ExpressibleByIntegerLiteral {
    /// No padding: windows lie entirely inside the input.
    case valid
    /// TensorFlow's `SAME` (ONNX's `SAME_UPPER`): the output has `ceil(input / stride)` positions
    /// and an odd extra pad goes to the bottom and right. Dilation is included.
    case same
    /// ONNX's `SAME_LOWER`: like ``same`` but an odd extra pad goes to the top and left.
    case sameLower
    /// The same number on all four sides (PyTorch's `padding=p`, the course's `pad`).
    case uniform(Int)
    /// One number for the top and bottom, another for the left and right.
    case symmetric(height: Int, width: Int)
    /// Four explicit numbers.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// `padding: 1` is ``uniform(_:)``.
    public init(integerLiteral value: Int) {
        self = .uniform(value)
    }
}

/// How a convolution fills its padding (PyTorch's `padding_mode`).
public enum PaddingMode: String, Sendable, Hashable, CaseIterable {
    /// Zeros (the default).
    case zeros
    /// The input mirrored without repeating the edge: `[c b | a b c d | c b]`.
    /// Each pad must be smaller than the axis it pads.
    case reflect
    /// The edge value repeated: `[a a | a b c d | d d]`.
    case replicate
    /// The input wrapped around: `[c d | a b c d | a b]`. Each pad must not exceed the axis.
    case circular
}

/// Padding resolved for one input size: four explicit, non-negative numbers.
public struct ResolvedPadding: Sendable, Hashable, CustomStringConvertible {
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    /// Four explicit numbers.
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    public var description: String { "(top \(top), bottom \(bottom), left \(left), right \(right))" }
}

extension Padding {
    /// The four explicit pads for an input of `inputSize`, a window of effective size
    /// `effectiveWindow` (dilation included) and `stride`.
    ///
    /// - Throws: ``ConvKitError`` naming `function` when a number is negative.
    package func resolved(
        inputSize: Size2D, effectiveWindow: Size2D, stride: Size2D, function: String
    ) throws -> ResolvedPadding {
        switch self {
        case .valid:
            return ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        case .same, .sameLower:
            // TensorFlow: output = ceil(input / stride); the total pad makes the last window fit.
            func total(_ input: Int, _ window: Int, _ stride: Int, _ axis: String) throws -> Int {
                let output = Checked.ceilingDivision(input, stride)
                let reach = try Checked.product(output - 1, stride, what: "same padding's \(axis)", in: function)
                let end = try Checked.sum(reach, window, what: "same padding's \(axis)", in: function)
                return Swift.max(end - input, 0)
            }
            let height = try total(inputSize.height, effectiveWindow.height, stride.height, "height")
            let width = try total(inputSize.width, effectiveWindow.width, stride.width, "width")
            if self == .same {
                return ResolvedPadding(
                    top: height / 2, bottom: height - height / 2, left: width / 2, right: width - width / 2)
            }
            return ResolvedPadding(
                top: height - height / 2, bottom: height / 2, left: width - width / 2, right: width / 2)
        case .uniform(let p):
            return try checked(ResolvedPadding(top: p, bottom: p, left: p, right: p), function: function)
        case .symmetric(let h, let w):
            return try checked(ResolvedPadding(top: h, bottom: h, left: w, right: w), function: function)
        case .explicit(let top, let bottom, let left, let right):
            return try checked(ResolvedPadding(top: top, bottom: bottom, left: left, right: right), function: function)
        }
    }

    private func checked(_ pad: ResolvedPadding, function: String) throws -> ResolvedPadding {
        guard pad.top >= 0, pad.bottom >= 0, pad.left >= 0, pad.right >= 0 else {
            throw ConvKitError(function, "padding must not be negative, got \(descriptionForErrors)")
        }
        return pad
    }

    var descriptionForErrors: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case .sameLower: return "sameLower"
        case .uniform(let p): return "\(p)"
        case .symmetric(let h, let w): return "(height \(h), width \(w))"
        case .explicit(let t, let b, let l, let r): return "(top \(t), bottom \(b), left \(l), right \(r))"
        }
    }
}
