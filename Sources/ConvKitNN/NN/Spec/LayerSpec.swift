import ConvKitCore
/// One layer of a model spec, before it knows its input shape.
///
/// `description` is the canonical text that ``ModelSpec/parse(_:)`` reads back, e.g.
/// `"conv 16 3x3 same"`, `"maxpool 2"`, `"dense 10"`.
public enum LayerSpec: Sendable, Hashable, CustomStringConvertible {
    /// ``Conv2D``: `conv FILTERS RxS [stride N|stride AxB] [valid|same|samelower|pad N|pad AxB|pad T B L R] [nobias]`.
    case conv2d(filters: Int, kernel: Size2D, stride: Size2D, padding: Padding, bias: Bool)
    /// ``MaxPool2D``: `maxpool N[xM] [stride N[xM]]` (the stride defaults to the window).
    case maxPool(window: Size2D, stride: Size2D)
    /// ``AvgPool2D``: `avgpool N[xM] [stride N[xM]]`.
    case avgPool(window: Size2D, stride: Size2D)
    /// ``GlobalAvgPool2D``: `globalavgpool`.
    case globalAvgPool
    /// ``ReLU``: `relu`.
    case relu
    /// ``LeakyReLU``: `leakyrelu [ALPHA]` (alpha defaults to 0.01).
    case leakyReLU(alpha: Double)
    /// ``Flatten``: `flatten`.
    case flatten
    /// ``Dense``: `dense UNITS [nobias]`.
    case dense(units: Int, bias: Bool)
    /// ``Dropout``: `dropout RATE`.
    case dropout(rate: Double)
    /// ``BatchNorm2D``: `batchnorm [momentum M] [eps E]` (defaults 0.1 and 1e-5).
    case batchNorm(momentum: Double, epsilon: Double)

    /// The canonical text of the item.
    public var description: String {
        switch self {
        case let .conv2d(filters, kernel, stride, padding, bias):
            var words = ["conv", String(filters), sizeText(kernel, square: false)]
            if stride != 1 { words += ["stride", sizeText(stride, square: true)] }
            words.append(paddingText(padding))
            if !bias { words.append("nobias") }
            return words.joined(separator: " ")
        case let .maxPool(window, stride):
            return poolText("maxpool", window, stride)
        case let .avgPool(window, stride):
            return poolText("avgpool", window, stride)
        case .globalAvgPool:
            return "globalavgpool"
        case .relu:
            return "relu"
        case .leakyReLU(let alpha):
            return "leakyrelu \(numberText(alpha))"
        case .flatten:
            return "flatten"
        case let .dense(units, bias):
            return bias ? "dense \(units)" : "dense \(units) nobias"
        case .dropout(let rate):
            return "dropout \(numberText(rate))"
        case let .batchNorm(momentum, epsilon):
            var text = "batchnorm"
            if momentum != 0.1 { text += " momentum \(numberText(momentum))" }
            if epsilon != 1e-5 { text += " eps \(numberText(epsilon))" }
            return text
        }
    }

    /// The layer's type name, as summaries show it: `"Conv2D"`, `"MaxPool2D"`, …
    public var typeName: String {
        switch self {
        case .conv2d: return "Conv2D"
        case .maxPool: return "MaxPool2D"
        case .avgPool: return "AvgPool2D"
        case .globalAvgPool: return "GlobalAvgPool2D"
        case .relu: return "ReLU"
        case .leakyReLU: return "LeakyReLU"
        case .flatten: return "Flatten"
        case .dense: return "Dense"
        case .dropout: return "Dropout"
        case .batchNorm: return "BatchNorm2D"
        }
    }

    /// Whether the layer has a weight that ``WeightInitialization`` draws.
    var hasWeight: Bool {
        switch self {
        case .conv2d, .dense: return true
        default: return false
        }
    }

    /// The layer for samples of `inputShape` (without the batch axis), with zero weights;
    /// `seed` seeds a dropout's masks.
    ///
    /// - Throws: ``ConvKitError`` when the layer does not fit `inputShape`.
    public func makeLayer<T: ConvKitFloat>(inputShape: [Int], seed: UInt32 = 0) throws -> any Layer<T> {
        switch self {
        case let .conv2d(filters, kernel, stride, padding, bias):
            return try Conv2D<T>(
                inputShape: inputShape, filters: filters, kernel: kernel, stride: stride, padding: padding, bias: bias)
        case let .maxPool(window, stride):
            return try MaxPool2D<T>(inputShape: inputShape, window: window, stride: stride)
        case let .avgPool(window, stride):
            return try AvgPool2D<T>(inputShape: inputShape, window: window, stride: stride)
        case .globalAvgPool:
            return try GlobalAvgPool2D<T>(inputShape: inputShape)
        case .relu:
            return ReLU<T>(inputShape: inputShape)
        case .leakyReLU(let alpha):
            return try LeakyReLU<T>(inputShape: inputShape, alpha: alpha)
        case .flatten:
            return Flatten<T>(inputShape: inputShape)
        case let .dense(units, bias):
            return try Dense<T>(inputShape: inputShape, units: units, bias: bias)
        case .dropout(let rate):
            return try Dropout<T>(inputShape: inputShape, rate: rate, seed: seed)
        case let .batchNorm(momentum, epsilon):
            return try BatchNorm2D<T>(inputShape: inputShape, momentum: momentum, epsilon: epsilon)
        }
    }
}

/// `3x3`, or `2` for a square stride or window when `square` allows it.
private func sizeText(_ size: Size2D, square: Bool) -> String {
    square && size.height == size.width ? String(size.height) : "\(size.height)x\(size.width)"
}

private func poolText(_ name: String, _ window: Size2D, _ stride: Size2D) -> String {
    let text = "\(name) \(sizeText(window, square: true))"
    return stride == window ? text : text + " stride \(sizeText(stride, square: true))"
}

private func paddingText(_ padding: Padding) -> String {
    switch padding {
    case .valid: return "valid"
    case .same: return "same"
    case .sameLower: return "samelower"
    case .uniform(let p): return "pad \(p)"
    case let .symmetric(height, width): return "pad \(height)x\(width)"
    case let .explicit(top, bottom, left, right): return "pad \(top) \(bottom) \(left) \(right)"
    }
}

/// A number as the spec writes it: `0.5`, `0.01`, `1e-05`; whole numbers without `.0`.
func numberText(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}

extension LayerSpec {
    /// How many weight, bias and batch-norm elements the layer holds for samples of
    /// `inputShape`, computed without building it: a lower bound on its state (a dropout's
    /// generator state is not counted).
    ///
    /// - Throws: ``ConvKitError`` naming `function` when the count overflows `Int`.
    func parameterCount(inputShape: [Int], function: String) throws -> Int {
        let channels = inputShape.last ?? 0
        let what = "the parameter count of '\(self)' on input \(shapeString(inputShape))"
        switch self {
        case let .conv2d(filters, kernel, _, _, bias):
            let weights = try Checked.product(filters, kernel.height, kernel.width, channels, what: what, in: function)
            return try Checked.sum(weights, bias ? filters : 0, what: what, in: function)
        case let .dense(units, bias):
            let weights = try Checked.product(inputShape + [units], what: what, in: function)
            return try Checked.sum(weights, bias ? units : 0, what: what, in: function)
        case .batchNorm:
            return try Checked.product(channels, 4, what: what, in: function)
        default:
            return 0
        }
    }
}
