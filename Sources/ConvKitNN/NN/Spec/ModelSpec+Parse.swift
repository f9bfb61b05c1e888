import ConvKitCore
extension ModelSpec {
    /// Reads a model spec (see ``ModelSpec`` for the grammar) or a preset name (`"digits"`,
    /// `"mnist"`).
    ///
    /// - Throws: ``ConvKitError`` from `"model spec"` naming the item, its position and what was
    ///   expected: `model spec: 'conv 16 3x' at item 1: expected a kernel like 3x3`.
    public static func parse(_ text: String) throws -> ModelSpec {
        let trimmed = text.trimmingWhitespace
        if let preset = preset(named: trimmed) { return preset }
        let items = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        guard !(items.count == 1 && items[0].isEmpty) else {
            throw ConvKitError("model spec", "the spec is empty: expected layers like 'conv 16 3x3 same, relu, flatten, dense 10' or a preset (\(presetNames.joined(separator: ", ")))")
        }
        var spec = ModelSpec(layers: [])
        for (index, item) in items.enumerated() {
            var cursor = SpecCursor(item: item, position: index + 1)
            guard let keyword = cursor.next() else { throw cursor.error("expected a layer, found an empty item") }
            if keyword == "input" {
                guard index == 0 else { throw cursor.error("the input shape must be the first item") }
                spec.inputShape = try cursor.shape()
            } else {
                spec.layers.append(try cursor.layer(keyword))
            }
            try cursor.expectEnd()
        }
        guard !spec.layers.isEmpty else {
            throw ConvKitError("model spec", "'\(trimmed)' has no layers")
        }
        return spec
    }
}

/// Reads the words of one item.
private struct SpecCursor {
    let item: String
    let position: Int
    var words: [String]
    var index = 0

    init(item: String, position: Int) {
        self.item = item
        self.position = position
        self.words = item.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    }

    func error(_ expected: String) -> ConvKitError {
        ConvKitError("model spec", "'\(item)' at item \(position): \(expected)")
    }

    mutating func next() -> String? {
        guard index < words.count else { return nil }
        defer { index += 1 }
        return words[index]
    }

    func peek() -> String? { index < words.count ? words[index] : nil }

    mutating func expectEnd() throws {
        if let extra = peek() { throw error("unexpected '\(extra)'") }
    }

    /// A whole number ≥ `minimum`.
    mutating func integer(_ what: String, minimum: Int = 1) throws -> Int {
        guard let word = next(), let value = Int(word), value >= minimum else {
            throw error("expected \(what)")
        }
        return value
    }

    /// A finite number in `range`.
    mutating func number(_ what: String, in range: ClosedRange<Double>, excludingUpper: Bool = false) throws -> Double {
        guard let word = next(), let value = Double(word), value.isFinite, range.contains(value),
              !(excludingUpper && value == range.upperBound) else {
            throw error("expected \(what)")
        }
        return value
    }

    /// `3x3`, or `3` when `squareAllowed`.
    mutating func size(_ what: String) throws -> Size2D {
        guard let word = next() else { throw error("expected \(what)") }
        let parts = word.split(separator: "x", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }.filter { $0 >= 1 }
        guard values.count == parts.count else { throw error("expected \(what)") }
        switch values.count {
        case 1: return Size2D(values[0], values[0])
        case 2: return Size2D(values[0], values[1])
        default: throw error("expected \(what)")
        }
    }

    /// `8x8x1` or `64`.
    mutating func shape() throws -> [Int] {
        let what = "an input shape like 8x8x1 (height x width x channels) or 64"
        guard let word = next() else { throw error("expected \(what)") }
        let parts = word.split(separator: "x", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }.filter { $0 >= 1 }
        guard values.count == parts.count, values.count == 1 || values.count == 3 else { throw error("expected \(what)") }
        return values
    }

    mutating func layer(_ keyword: String) throws -> LayerSpec {
        switch keyword {
        case "conv", "conv2d":
            return try conv()
        case "maxpool", "avgpool":
            let window = try size("a window like 2 or 2x2")
            var stride = window
            if peek() == "stride" {
                _ = next()
                stride = try size("a stride like 2 or 2x1")
            }
            return keyword == "maxpool" ? .maxPool(window: window, stride: stride) : .avgPool(window: window, stride: stride)
        case "globalavgpool":
            return .globalAvgPool
        case "relu":
            return .relu
        case "leakyrelu":
            return .leakyReLU(alpha: peek() == nil ? 0.01 : try number("a slope like 0.1", in: -1e6...1e6))
        case "flatten":
            return .flatten
        case "dense", "linear":
            let units = try integer("a number of units like 10")
            return .dense(units: units, bias: try optionalNoBias())
        case "dropout":
            return .dropout(rate: try number("a rate in [0, 1) like 0.5", in: 0...1, excludingUpper: true))
        case "batchnorm":
            var (momentum, epsilon) = (0.1, 1e-5)
            while let word = next() {
                switch word {
                case "momentum": momentum = try number("a momentum in [0, 1] like 0.1", in: 0...1)
                case "eps": epsilon = try number("a positive epsilon like 1e-5", in: Double.leastNonzeroMagnitude...1)
                default: throw error("expected 'momentum M' or 'eps E' after batchnorm, found '\(word)'")
                }
            }
            return .batchNorm(momentum: momentum, epsilon: epsilon)
        default:
            throw error("expected a layer (conv, maxpool, avgpool, globalavgpool, relu, leakyrelu, flatten, dense, dropout, batchnorm), found '\(keyword)'")
        }
    }

    mutating func conv() throws -> LayerSpec {
        let filters = try integer("a number of filters like 16")
        let kernel = try size("a kernel like 3x3")
        var stride: Size2D = 1
        var padding = Padding.valid
        var bias = true
        while let word = next() {
            switch word {
            case "stride": stride = try size("a stride like 2 or 2x1")
            case "valid": padding = .valid
            case "same": padding = .same
            case "samelower": padding = .sameLower
            case "nobias": bias = false
            case "pad":
                let what = "a padding like 1, 1x2 or 0 1 0 1 (top bottom left right)"
                guard let first = next() else { throw error("expected \(what)") }
                let parts = first.split(separator: "x", omittingEmptySubsequences: false).compactMap { Int($0) }.filter { $0 >= 0 }
                if first.contains("x") {
                    guard parts.count == 2 else { throw error("expected \(what)") }
                    padding = .symmetric(height: parts[0], width: parts[1])
                } else {
                    guard parts.count == 1 else { throw error("expected \(what)") }
                    if let second = peek(), Int(second) != nil {
                        let bottom = try integer(what, minimum: 0)
                        let left = try integer(what, minimum: 0)
                        let right = try integer(what, minimum: 0)
                        padding = .explicit(top: parts[0], bottom: bottom, left: left, right: right)
                    } else {
                        padding = .uniform(parts[0])
                    }
                }
            default:
                throw error("expected stride, valid, same, samelower, pad or nobias after the kernel, found '\(word)'")
            }
        }
        return .conv2d(filters: filters, kernel: kernel, stride: stride, padding: padding, bias: bias)
    }

    mutating func optionalNoBias() throws -> Bool {
        guard let word = peek() else { return true }
        guard word == "nobias" else { throw error("expected nobias or the end of the item, found '\(word)'") }
        _ = next()
        return false
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
