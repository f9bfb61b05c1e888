@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

extension NumPyRandomState {
    /// A whole number in `range` (test case generation; not numpy's randint stream).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextUInt32() % UInt32(range.count))
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }

    mutating func bool() -> Bool { nextUInt32() & 1 == 1 }
}

/// One convolution to test: shapes and options.
struct ConvCase: CustomStringConvertible, Sendable {
    var inputShape: [Int]
    var weightShape: [Int]
    var hasBias: Bool
    var options: Conv2DOptions

    var description: String {
        "input \(inputShape) weight \(weightShape) bias \(hasBias) stride \(options.stride) "
            + "padding \(options.padding) \(options.paddingMode) dilation \(options.dilation) "
            + "groups \(options.groups) \(options.layout)"
    }

    /// Seeded random convolutions over every option, each valid (non-empty output).
    static func random(count: Int, seed: UInt32) -> [ConvCase] {
        var rng = NumPyRandomState(seed: seed)
        var cases: [ConvCase] = []
        while cases.count < count {
            let layout = rng.pick(TensorLayout.allCases)
            let groupKind = rng.int(0...2)  // 0: groups 1, 1: groups 2, 2: depthwise
            let perGroup = groupKind == 2 ? 1 : rng.int(1...2)
            let groups = groupKind == 0 ? 1 : (groupKind == 1 ? 2 : rng.int(2...3))
            let c = groups * perGroup
            let k = groups * rng.int(1...2)
            let (r, s) = (rng.int(1...3), rng.int(1...3))
            let (h, w) = (rng.int(3...7), rng.int(3...7))
            let padding = rng.pick([
                Padding.valid, .same, .sameLower, .uniform(rng.int(0...2)),
                .symmetric(height: rng.int(0...2), width: rng.int(0...2)),
                .explicit(top: rng.int(0...2), bottom: rng.int(0...2), left: rng.int(0...2), right: rng.int(0...2)),
            ])
            let options = Conv2DOptions(
                stride: Size2D(rng.int(1...3), rng.int(1...3)), padding: padding,
                paddingMode: rng.pick(PaddingMode.allCases), dilation: Size2D(rng.int(1...2), rng.int(1...2)),
                groups: groups, layout: layout)
            let n = rng.int(1...2)
            let candidate = ConvCase(
                inputShape: layout == .nhwc ? [n, h, w, c] : [n, c, h, w],
                weightShape: layout == .nhwc ? [r, s, perGroup, k] : [k, perGroup, r, s],
                hasBias: rng.bool(), options: options)
            if (try? Conv2DGeometry(
                inputShape: candidate.inputShape, weightShape: candidate.weightShape, biasShape: nil,
                options: options, elementBytes: 4, function: "test")) != nil {
                cases.append(candidate)
            }
        }
        return cases
    }
}

/// One pooling layer to test.
struct PoolCase: CustomStringConvertible, Sendable {
    var inputShape: [Int]
    var options: Pool2DOptions

    var description: String {
        "input \(inputShape) \(options.mode) window \(options.window.map(\.description) ?? "global") "
            + "stride \(options.stride.map(\.description) ?? "window") padding \(options.padding) "
            + "dilation \(options.dilation) ceil \(options.ceilMode) includePad \(options.countIncludePad) "
            + "divisor \(options.divisorOverride.map(String.init) ?? "-") ties \(options.maxTies) \(options.layout)"
    }

    /// Seeded random pooling layers over every option, each valid.
    static func random(count: Int, seed: UInt32) -> [PoolCase] {
        var rng = NumPyRandomState(seed: seed)
        var cases: [PoolCase] = []
        while cases.count < count {
            let mode = rng.pick(PoolMode.allCases)
            let layout = rng.pick(TensorLayout.allCases)
            let (n, c, h, w) = (rng.int(1...2), rng.int(1...3), rng.int(3...7), rng.int(3...7))
            let options = Pool2DOptions(
                mode, window: Size2D(rng.int(1...3), rng.int(1...3)),
                stride: rng.bool() ? nil : Size2D(rng.int(1...3), rng.int(1...3)),
                padding: rng.pick([
                    Padding.valid, .same, .sameLower, .uniform(rng.int(0...1)),
                    .explicit(top: rng.int(0...1), bottom: rng.int(0...1), left: rng.int(0...1), right: rng.int(0...1)),
                ]),
                dilation: Size2D(rng.int(1...2), rng.int(1...2)), ceilMode: rng.bool(),
                countIncludePad: rng.bool(),
                divisorOverride: mode == .average && rng.int(0...3) == 0 ? rng.int(1...5) : nil,
                returnIndices: mode == .max && rng.bool(), maxTies: rng.pick(MaxTiePolicy.allCases),
                layout: layout)
            let candidate = PoolCase(inputShape: layout == .nhwc ? [n, h, w, c] : [n, c, h, w], options: options)
            if (try? Pool2DGeometry(inputShape: candidate.inputShape, options: options, elementBytes: 4, function: "test")) != nil {
                cases.append(candidate)
            }
        }
        return cases
    }
}
