import Foundation

/// numpy's legacy random generator (`np.random.seed`, `np.random.RandomState`), reproduced
/// bit for bit so that weight initialisations and data shuffles match the course's notebooks.
///
/// ```swift
/// var random = NumPyRandomState(seed: 1)   // np.random.seed(1)
/// let x = try random.randn(2, 5, 7, 4)     // == np.random.randn(2, 5, 7, 4)
/// ```
///
/// It is a value type: copying it forks the stream, and both copies then produce the same values.
public struct NumPyRandomState: Sendable {
    private var twister: MersenneTwister
    /// The second value of the last polar Box–Muller pair, returned by the next gaussian draw.
    private var cachedGaussian: Double?

    /// Creates a generator seeded like `np.random.RandomState(seed)`.
    public init(seed: UInt32) {
        twister = MersenneTwister(seed: seed)
        cachedGaussian = nil
    }

    /// Reseeds the generator like `np.random.seed(seed)`, discarding any cached gaussian value.
    public mutating func seed(_ seed: UInt32) {
        self = NumPyRandomState(seed: seed)
    }

    // MARK: - Raw draws

    /// The next raw 32-bit Mersenne Twister output.
    public mutating func nextUInt32() -> UInt32 {
        twister.next()
    }

    /// Two 32-bit outputs joined high word first, as numpy's `mt19937_next64`.
    mutating func nextUInt64() -> UInt64 {
        let high = UInt64(twister.next())
        return high << 32 | UInt64(twister.next())
    }

    /// A uniform double in [0, 1) with 53 random bits: numpy's `random_sample()`.
    public mutating func nextDouble() -> Double {
        let a = Double(twister.next() >> 5)
        let b = Double(twister.next() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// A standard normal value from numpy's legacy polar Box–Muller method (`legacy_gauss`).
    ///
    /// Each accepted pair yields two values: the second is cached and returned by the next call.
    public mutating func nextGaussian() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1: Double
        var x2: Double
        var r2: Double
        repeat {
            x1 = 2.0 * nextDouble() - 1.0
            x2 = 2.0 * nextDouble() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * log(r2) / r2).squareRoot()
        cachedGaussian = f * x1
        return f * x2
    }

    /// A uniform integer in [0, max]: numpy's `random_interval`, the bounded draw of the
    /// legacy `shuffle` and `permutation`.
    mutating func nextInterval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        let mask = Self.smallestMask(covering: max)
        if max <= 0xffff_ffff {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = nextUInt64() & mask
            if value <= max { return value }
        }
    }

    /// The smallest all-ones bit pattern that is at least `value` (numpy's `gen_mask`).
    static func smallestMask(covering value: UInt64) -> UInt64 {
        var mask = value
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        return mask
    }

    // MARK: - Arrays

    /// Standard normal values of the given shape: `np.random.randn(d0, d1, …)`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative or the element count overflows.
    public mutating func randn(_ shape: Int...) throws -> Tensor<Double> {
        try randn(shape)
    }

    /// Standard normal values of the given shape: `np.random.randn(*shape)`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative or the element count overflows.
    public mutating func randn(_ shape: [Int]) throws -> Tensor<Double> {
        let count = try Self.elementCount(shape, function: "NumPyRandomState.randn")
        return Tensor(uncheckedShape: shape, scalars: (0..<count).map { _ in nextGaussian() })
    }

    /// Uniform values in [0, 1) of the given shape: `np.random.rand(d0, d1, …)`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative or the element count overflows.
    public mutating func rand(_ shape: Int...) throws -> Tensor<Double> {
        try rand(shape)
    }

    /// Uniform values in [0, 1) of the given shape: `np.random.rand(*shape)`.
    ///
    /// - Throws: ``ConvKitError`` when an axis is negative or the element count overflows.
    public mutating func rand(_ shape: [Int]) throws -> Tensor<Double> {
        let count = try Self.elementCount(shape, function: "NumPyRandomState.rand")
        return Tensor(uncheckedShape: shape, scalars: (0..<count).map { _ in nextDouble() })
    }

    /// Uniform integers in [low, high), or in [0, low) when `high` is nil: numpy's legacy
    /// `np.random.randint(low, high, size=shape)` with its default 64-bit `int` dtype.
    ///
    /// Like numpy, it draws masked 32-bit values when the range fits in 32 bits and masked
    /// 64-bit values otherwise, rejecting those past the range.
    ///
    /// - Throws: ``ConvKitError`` when the range is empty, an axis is negative or the element
    ///   count overflows.
    public mutating func randint(_ low: Int, _ high: Int? = nil, shape: [Int]) throws -> Tensor<Int> {
        let function = "NumPyRandomState.randint"
        let (lower, upper) = high.map { (low, $0) } ?? (0, low)
        guard lower < upper else {
            let reason = high == nil
                ? "the exclusive upper bound \(upper) must be positive when high is omitted"
                : "high \(upper) must be greater than low \(lower)"
            throw ConvKitError(function, reason + " (shape \(shapeString(shape)))")
        }
        let count = try Self.elementCount(shape, function: function)
        // The inclusive width high - 1 - low, computed on bit patterns as numpy's uint64 `rng`.
        let range = UInt64(bitPattern: Int64(upper)) &- 1 &- UInt64(bitPattern: Int64(lower))
        let offset = UInt64(bitPattern: Int64(lower))
        let values = (0..<count).map { _ in
            Int(Int64(bitPattern: offset &+ nextBounded(range)))
        }
        return Tensor(uncheckedShape: shape, scalars: values)
    }

    /// A uniform integer in [0, range] drawn like numpy's `random_bounded_uint64_fill` with
    /// masked rejection sampling.
    private mutating func nextBounded(_ range: UInt64) -> UInt64 {
        switch range {
        case 0:
            return 0
        case 0xffff_ffff:
            return UInt64(nextUInt32())
        case ..<0xffff_ffff:
            let mask = UInt32(truncatingIfNeeded: Self.smallestMask(covering: range))
            while true {
                let value = UInt64(nextUInt32() & mask)
                if value <= range { return value }
            }
        case UInt64.max:
            return nextUInt64()
        default:
            let mask = Self.smallestMask(covering: range)
            while true {
                let value = nextUInt64() & mask
                if value <= range { return value }
            }
        }
    }

    /// Uniform values `low + (high - low) * u` with `u` in [0, 1): `np.random.uniform(low, high, size)`.
    ///
    /// As in numpy, `high < low` is allowed and yields values in (high, low].
    ///
    /// - Throws: ``ConvKitError`` when `high - low` is not finite, an axis is negative or the
    ///   element count overflows.
    public mutating func uniform(low: Double = 0, high: Double = 1, shape: [Int]) throws -> Tensor<Double> {
        let function = "NumPyRandomState.uniform"
        let range = high - low
        guard range.isFinite else {
            throw ConvKitError(
                function, "high - low is not finite (low \(low), high \(high), shape \(shapeString(shape)))")
        }
        let count = try Self.elementCount(shape, function: function)
        return Tensor(uncheckedShape: shape, scalars: (0..<count).map { _ in low + range * nextDouble() })
    }

    /// Normal values `mean + standardDeviation * z`: `np.random.normal(loc, scale, size)`.
    ///
    /// - Throws: ``ConvKitError`` when the standard deviation is negative or NaN, an axis is
    ///   negative or the element count overflows.
    public mutating func normal(
        mean: Double = 0, standardDeviation: Double = 1, shape: [Int]
    ) throws -> Tensor<Double> {
        let function = "NumPyRandomState.normal"
        guard standardDeviation >= 0 else {
            throw ConvKitError(
                function,
                "standardDeviation \(standardDeviation) must be non-negative (shape \(shapeString(shape)))")
        }
        let count = try Self.elementCount(shape, function: function)
        return Tensor(
            uncheckedShape: shape,
            scalars: (0..<count).map { _ in mean + standardDeviation * nextGaussian() })
    }

    /// A random ordering of `0..<n`: `np.random.permutation(n)`.
    ///
    /// - Throws: ``ConvKitError`` when `n` is negative.
    public mutating func permutation(_ n: Int) throws -> [Int] {
        guard n >= 0 else {
            throw ConvKitError("NumPyRandomState.permutation", "n \(n) must be non-negative")
        }
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }

    /// Shuffles `array` in place exactly like numpy's legacy `np.random.shuffle`: Fisher–Yates
    /// from the last element down, drawing each partner with `random_interval`.
    public mutating func shuffle<T>(_ array: inout [T]) {
        var index = array.count - 1
        while index > 0 {
            // nextInterval(index) is at most index, so the swap stays in range.
            let partner = Int(nextInterval(UInt64(index)))
            array.swapAt(index, partner)
            index -= 1
        }
    }

    /// The element count of `shape`, checked as ``Tensor`` checks it (negative axes, overflow,
    /// the memory limit) before anything is drawn.
    private static func elementCount(_ shape: [Int], function: String) throws -> Int {
        try Tensor<Double>.validate(shape: shape, function: function)
    }
}
