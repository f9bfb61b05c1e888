import ConvKitCore
extension BatchLoader {
    /// Random translation: each image moves by `dy`, `dx` pixels drawn uniformly from
    /// `-maxShift...maxShift` (down and right are positive), uncovered pixels become 0.
    ///
    /// The shifts of a batch of B images are numpy's `rng.randint(-k, k + 1, size=(B, 2))`
    /// (`dy`, `dx` per row) from the epoch's generator, seeded as described in
    /// ``BatchLoader``; the fill is applied before normalisation, so it is the raw 0 of an
    /// empty background.
    public struct ShiftAugmentation: Sendable, Equatable {
        /// The largest shift in pixels, `k`; 0 leaves the images unchanged.
        public var maxShift: Int

        /// Creates an augmentation shifting by up to `maxShift` pixels each way.
        public init(maxShift: Int) {
            self.maxShift = maxShift
        }

        /// Copies image `source` (`height × width × channels` floats) shifted by `dy`, `dx`
        /// into `destination`, zero-filling what the shift uncovers. Whole row segments are
        /// copied at once.
        static func copy(
            _ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>,
            height: Int, width: Int, channels: Int, dy: Int, dx: Int
        ) {
            let rowLength = width * channels
            // Output columns [left, right) come from source columns [left - dx, right - dx).
            let left = max(0, dx), right = min(width, width + dx)
            for y in 0..<height {
                let row = destination + y * rowLength
                let sourceY = y - dy
                guard sourceY >= 0, sourceY < height, left < right else {
                    row.update(repeating: 0, count: rowLength)
                    continue
                }
                row.update(repeating: 0, count: left * channels)
                (row + left * channels).update(
                    from: source + sourceY * rowLength + (left - dx) * channels, count: (right - left) * channels)
                (row + right * channels).update(repeating: 0, count: (width - right) * channels)
            }
        }
    }
}
