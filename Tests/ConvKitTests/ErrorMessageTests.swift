import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// A call that must throw, and the exact message it must throw.
struct ErrorCase: Sendable, CustomStringConvertible {
    let name: String
    let expected: String
    let body: @Sendable () throws -> Void

    init(_ name: String, _ expected: String, _ body: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.expected = expected
        self.body = body
    }

    var description: String { name }

    /// The message the call throws, or what went wrong instead.
    func thrownMessage() -> String {
        do {
            try body()
            return "no error"
        } catch let error as ConvKitError {
            return error.message
        } catch {
            return "not a ConvKitError: \(error)"
        }
    }
}

/// Zeros of a shape the test knows to be valid.
func zeros(_ shape: [Int]) -> Tensor<Double> {
    (try? Tensor<Double>(zeros: shape)) ?? Tensor<Double>(0)
}

/// Bad input throws a ConvKitError naming the function, the argument and the shapes.
@Suite struct ErrorMessageTests {
    static let convolution: [ErrorCase] = [
        ErrorCase("input rank", "conv2dForward: input must have rank 4 ([N, H, W, C]), got shape [5, 7, 4]") {
            _ = try conv2dForward(zeros([5, 7, 4]), weight: zeros([3, 3, 4, 8]), bias: nil, options: .init())
        },
        ErrorCase("weight rank", "conv2dForward: weight must have rank 4 ([K, C/groups, R, S]), got shape [8, 4, 3]") {
            _ = try conv2dForward(zeros([2, 4, 5, 7]), weight: zeros([8, 4, 3]), bias: nil, options: .init(layout: .nchw))
        },
        ErrorCase("channel mismatch", "conv2dForward: weight expects 3 input channels but input has 4 (input [2, 5, 7, 4], weight [3, 3, 3, 8])") {
            _ = try conv2dForward(zeros([2, 5, 7, 4]), weight: zeros([3, 3, 3, 8]), bias: nil, options: .init())
        },
        ErrorCase("channel mismatch per group", "conv2dForward: weight expects 3 input channels per group but input has 2 per group (4 channels / groups 2) (input [1, 4, 5, 5], weight [6, 3, 3, 3])") {
            _ = try conv2dForward(zeros([1, 4, 5, 5]), weight: zeros([6, 3, 3, 3]), bias: nil, options: .init(groups: 2, layout: .nchw))
        },
        ErrorCase("channels not divisible by groups", "conv2dForward: input channels 6 are not divisible by groups 4 (input [1, 6, 5, 5], weight [8, 2, 3, 3])") {
            _ = try conv2dForward(zeros([1, 6, 5, 5]), weight: zeros([8, 2, 3, 3]), bias: nil, options: .init(groups: 4, layout: .nchw))
        },
        ErrorCase("output channels not divisible by groups", "conv2dForward: output channels 5 are not divisible by groups 2 (input [1, 5, 5, 4], weight [3, 3, 2, 5])") {
            _ = try conv2dForward(zeros([1, 5, 5, 4]), weight: zeros([3, 3, 2, 5]), bias: nil, options: .init(groups: 2))
        },
        ErrorCase("groups zero", "conv2dForward: groups must be at least 1, got 0") {
            _ = try conv2dForward(zeros([1, 5, 5, 4]), weight: zeros([3, 3, 4, 5]), bias: nil, options: .init(groups: 0))
        },
        ErrorCase("stride zero", "conv2dForward: stride must be at least 1 on both axes, got (1, 0)") {
            _ = try conv2dForward(zeros([1, 5, 5, 4]), weight: zeros([3, 3, 4, 5]), bias: nil, options: .init(stride: Size2D(1, 0)))
        },
        ErrorCase("dilation negative", "conv2dForward: dilation must be at least 1 on both axes, got (-1, -1)") {
            _ = try conv2dForward(zeros([1, 5, 5, 4]), weight: zeros([3, 3, 4, 5]), bias: nil, options: .init(dilation: -1))
        },
        ErrorCase("negative padding", "conv2dForward: padding must not be negative, got (top 0, bottom -1, left 0, right 0)") {
            _ = try conv2dForward(zeros([1, 5, 5, 4]), weight: zeros([3, 3, 4, 5]), bias: nil,
                                  options: .init(padding: .explicit(top: 0, bottom: -1, left: 0, right: 0)))
        },
        ErrorCase("kernel larger than padded input", "conv2dForward: kernel 3×3 (dilated 5×5) is larger than the padded input 4×6: the output would be empty (input [1, 4, 4, 2], weight [3, 3, 2, 1])") {
            _ = try conv2dForward(zeros([1, 4, 4, 2]), weight: zeros([3, 3, 2, 1]), bias: nil,
                                  options: .init(padding: .symmetric(height: 0, width: 1), dilation: 2))
        },
        ErrorCase("bias length", "conv2dForward: bias must have shape [8] or [1, 1, 1, 8], got [7] (input [2, 5, 7, 4], weight [3, 3, 4, 8])") {
            _ = try conv2dForward(zeros([2, 5, 7, 4]), weight: zeros([3, 3, 4, 8]), bias: zeros([7]), options: .init())
        },
        ErrorCase("reflect pad too large", "conv2dForward: reflect padding (top 3, bottom 3, left 3, right 3) must be smaller than the input's height 3 and width 5 (input [1, 3, 5, 1], weight [3, 3, 1, 1])") {
            _ = try conv2dForward(zeros([1, 3, 5, 1]), weight: zeros([3, 3, 1, 1]), bias: nil, options: .init(padding: 3, paddingMode: .reflect))
        },
        ErrorCase("gradient shape", "conv2dBackward: gradOutput has shape [2, 3, 4, 8] but the forward output had [2, 5, 7, 7] (input [2, 5, 7, 4], weight [3, 3, 4, 7])") {
            let (_, cache) = try conv2dForward(zeros([2, 5, 7, 4]), weight: zeros([3, 3, 4, 7]), bias: nil, options: .init(padding: 1))
            _ = try conv2dBackward(zeros([2, 3, 4, 8]), cache: cache)
        },
    ]

    static let pooling: [ErrorCase] = [
        ErrorCase("input rank", "pool2dForward: input must have rank 4 ([N, C, H, W]), got shape [3, 4, 4]") {
            _ = try pool2dForward(zeros([3, 4, 4]), options: .init(.max, window: 2, layout: .nchw))
        },
        ErrorCase("window zero", "pool2dForward: window must be at least 1 on both axes, got (0, 2)") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: Size2D(0, 2)))
        },
        ErrorCase("stride negative", "pool2dForward: stride must be at least 1 on both axes, got (-2, -2)") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.average, window: 2, stride: -2))
        },
        ErrorCase("dilation zero", "pool2dForward: dilation must be at least 1 on both axes, got (0, 0)") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: 2, dilation: 0))
        },
        ErrorCase("negative padding", "pool2dForward: padding must not be negative, got -1") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: 2, padding: -1))
        },
        ErrorCase("window larger than input", "pool2dForward: window 5 (dilation included) is larger than the padded height 4: the output would be empty (input [1, 4, 4, 1])") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: 5))
        },
        ErrorCase("window of padding only", "pool2dForward: window 0 along the height holds only padding (padding (top 2, bottom 2, left 2, right 2), window 2×2, dilation (1, 1)) (input [1, 4, 4, 1])") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: 2, stride: 1, padding: 2))
        },
        ErrorCase("divisor override", "pool2dForward: divisorOverride must be at least 1, got 0") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.average, window: 2, divisorOverride: 0))
        },
        ErrorCase("indices of average pooling", "pool2dForward: returnIndices applies to max pooling only") {
            _ = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.average, window: 2, returnIndices: true))
        },
        ErrorCase("gradient shape", "pool2dBackward: gradOutput has shape [1, 2, 2, 2] but the forward output had [1, 2, 2, 1] (input [1, 4, 4, 1])") {
            let (_, cache) = try pool2dForward(zeros([1, 4, 4, 1]), options: .init(.max, window: 2))
            _ = try pool2dBackward(zeros([1, 2, 2, 2]), cache: cache)
        },
    ]

    static let tensor: [ErrorCase] = [
        ErrorCase("element count", "Tensor.init: shape [2, 3] holds 6 elements but 5 were given") {
            _ = try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5])
        },
        ErrorCase("negative axis", "Tensor.init: shape [2, -1] has a negative axis") {
            _ = try Tensor<Double>(shape: [2, -1], repeating: 0)
        },
        ErrorCase("overflowing shape", "Tensor.init: shape [0, 9223372036854775807, 2] has more elements than Int.max") {
            _ = try Tensor<Double>(shape: [0, Int.max, 2], scalars: [])
        },
    ]

    static let course: [ErrorCase] = [
        ErrorCase("zeroPad rank", "zeroPad: X must have rank 4 (m, n_H, n_W, n_C), got shape [3, 3]") {
            _ = try zeroPad(zeros([3, 3]), pad: 1)
        },
        ErrorCase("zeroPad negative", "zeroPad: pad must not be negative, got -2") {
            _ = try zeroPad(zeros([1, 3, 3, 1]), pad: -2)
        },
        ErrorCase("convSingleStep shapes", "convSingleStep: a_slice_prev [4, 4, 3] and W [3, 3, 3] must have the same shape") {
            _ = try convSingleStep(zeros([4, 4, 3]), zeros([3, 3, 3]), zeros([1, 1, 1]))
        },
        ErrorCase("convForward hparameters", "convForward: hparameters has no \"pad\" (given: [stride])") {
            _ = try convForward(zeros([1, 5, 5, 3]), zeros([3, 3, 3, 2]), zeros([1, 1, 1, 2]), hparameters: ["stride": 1])
        },
        ErrorCase("convForward channels", "convForward: weight expects 2 input channels but input has 3 (input [1, 5, 5, 3], weight [3, 3, 2, 2])") {
            _ = try convForward(zeros([1, 5, 5, 3]), zeros([3, 3, 2, 2]), zeros([1, 1, 1, 2]), hparameters: ["stride": 1, "pad": 0])
        },
        ErrorCase("poolForward hparameters", "poolForward: hparameters has no \"f\" (given: [stride])") {
            _ = try poolForward(zeros([1, 5, 5, 3]), hparameters: ["stride": 1])
        },
        ErrorCase("distributeValue shape", "distributeValue: shape must be at least (1, 1), got (0, 2)") {
            _ = try distributeValue(1.0, shape: (0, 2))
        },
        ErrorCase("dilate2D rate", "dilate2D: rate must be at least 1 on both axes, got (0, 1)") {
            _ = try dilate2D(zeros([3, 3]), rate: Size2D(0, 1))
        },
        ErrorCase("dilate2D rank", "dilate2D: x must have at least two non-empty axes (…, H, W), got shape [3]") {
            _ = try dilate2D(zeros([3]), rate: 2)
        },
        ErrorCase("rotate180 rank", "rotate180: kernel must have rank 2 or 4, got shape [3, 3, 3]") {
            _ = try rotate180(zeros([3, 3, 3]))
        },
    ]

    @Test(arguments: convolution + pooling + tensor + course)
    func throwsTheDocumentedMessage(_ errorCase: ErrorCase) {
        #expect(errorCase.thrownMessage() == errorCase.expected)
    }
}
