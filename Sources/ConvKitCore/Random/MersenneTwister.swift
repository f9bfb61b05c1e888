/// The MT19937 Mersenne Twister exactly as numpy's `mt19937.c` implements it, so that
/// ``NumPyRandomState`` can reproduce numpy's legacy random streams bit for bit.
struct MersenneTwister: Sendable {
    private static let stateCount = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_b0df
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7fff_ffff

    /// The 624 words of state; always exactly `stateCount` long.
    private var key: [UInt32]
    /// The next word of `key` to temper; `stateCount` means the block must be regenerated.
    private var position: Int

    /// Seeds the generator like numpy's `mt19937_seed` (Matsumoto and Nishimura's `init_genrand`).
    init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateCount)
        var value = seed
        for index in 0..<Self.stateCount {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(truncatingIfNeeded: index + 1)
        }
        self.key = key
        self.position = Self.stateCount
    }

    /// The next raw 32-bit output (numpy's `mt19937_next32`).
    mutating func next() -> UInt32 {
        if position == Self.stateCount { regenerate() }
        var y = key[position]
        position += 1
        // Tempering.
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Refills the whole state block at once, as `mt19937_gen` does.
    private mutating func regenerate() {
        let n = Self.stateCount
        let m = Self.shift
        for index in 0..<n {
            let y = (key[index] & Self.upperMask) | (key[(index + 1) % n] & Self.lowerMask)
            let twisted = (y >> 1) ^ ((y & 1) == 0 ? 0 : Self.matrixA)
            key[index] = key[(index + m) % n] ^ twisted
        }
        position = 0
    }
}
