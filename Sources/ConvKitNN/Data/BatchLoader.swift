import ConvKitCore
/// Serves a ``Dataset`` in mini-batches for training: optionally shuffled each epoch with
/// numpy's generator, normalised and augmented by random shifts.
///
/// ```swift
/// var loader = try BatchLoader(train, batchSize: 64, shuffle: true, seed: 0,
///                              normalization: .fitted(to: train),
///                              augmentation: BatchLoader.ShiftAugmentation(maxShift: 1))
/// for epoch in 1...5 {
///     for batch in loader.nextEpoch() {
///         // batch.images: [B, H, W, C] Float, batch.labels: [B] class indices
///     }
/// }
/// ```
///
/// Shuffling is reproducible and matches numpy: with `seed` s, epoch k's order is the k-th
/// `rng.permutation(N)` of `rng = np.random.RandomState(s)`. The last, partial batch is kept.
/// Each batch's images are copied into a buffer the iterator reuses; a batch that is still
/// held when the next one is made keeps its own copy (value semantics), one allocation per
/// batch at most, never one per image.
public struct BatchLoader: Sendable {
    /// The data served.
    public let dataset: Dataset
    /// Images per batch (the last batch of an epoch may have fewer).
    public let batchSize: Int
    /// Whether each epoch draws a new random order.
    public let shuffle: Bool
    /// The seed of the shuffling and augmentation generators.
    public let seed: UInt32
    /// Applied to every batch after augmentation: `(x − mean) / standardDeviation` per channel.
    public let normalization: Normalization?
    /// Random shifts applied to every image, or nil for none.
    public let augmentation: ShiftAugmentation?
    /// How many epochs ``nextEpoch()`` has started.
    public private(set) var epochsStarted = 0

    /// The generator that draws each epoch's order.
    private var random: NumPyRandomState

    /// Creates a loader.
    ///
    /// - Throws: ``ConvKitError`` when `batchSize < 1`, the normalisation does not have one
    ///   value or one per channel, a standard deviation is not positive and finite or a mean
    ///   is not finite, or the shift is negative or not smaller than the image.
    public init(
        _ dataset: Dataset, batchSize: Int, shuffle: Bool = true, seed: UInt32 = 0,
        normalization: Normalization? = nil, augmentation: ShiftAugmentation? = nil
    ) throws {
        let function = "BatchLoader.init"
        guard batchSize >= 1 else {
            throw ConvKitError(function, "batchSize \(batchSize) must be at least 1")
        }
        try normalization?.validate(channels: dataset.channels, function: function)
        if let augmentation {
            guard augmentation.maxShift >= 0, augmentation.maxShift < min(dataset.height, dataset.width) else {
                throw ConvKitError(
                    function,
                    "augmentation maxShift \(augmentation.maxShift) must be in 0..<\(min(dataset.height, dataset.width)) "
                        + "for images of \(dataset.height)×\(dataset.width)")
            }
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.normalization = normalization
        self.augmentation = augmentation
        random = NumPyRandomState(seed: seed)
    }

    /// Batches per epoch: ⌈N / batchSize⌉.
    public var batchesPerEpoch: Int { Checked.ceilingDivision(dataset.count, batchSize) }

    /// Starts the next epoch: draws its order (when shuffling) and returns its batches.
    /// Iterating the returned value twice gives the same batches.
    public mutating func nextEpoch() -> Epoch {
        var order = Array(0..<dataset.count)
        // np.random.permutation(n) is a shuffle of arange(n).
        if shuffle { random.shuffle(&order) }
        let epoch = Epoch(loader: self, index: epochsStarted, order: order)
        epochsStarted += 1
        return epoch
    }

    /// The seed of epoch `index`'s augmentation generator: `seed + (index + 1) · 0x9E3779B9`
    /// (mod 2³²), independent of the shuffling stream so that turning augmentation on does
    /// not change the order.
    static func augmentationSeed(seed: UInt32, epoch index: Int) -> UInt32 {
        seed &+ UInt32(truncatingIfNeeded: index + 1) &* 0x9E37_79B9
    }
}
