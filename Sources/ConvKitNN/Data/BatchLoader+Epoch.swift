import ConvKitCore
extension BatchLoader {
    /// One mini-batch.
    public struct Batch: Sendable, Equatable {
        /// The images, `[B, H, W, C]`, augmented and normalised as the loader says.
        public var images: Tensor<Float>
        /// The class of each image, `B` values.
        public var labels: [Int]
        /// The position of each image in the data set.
        public var indices: [Int]

        /// The number of images, `B`.
        public var count: Int { labels.count }
    }

    /// The batches of one epoch, in order; a `Sequence` that can be iterated more than once
    /// with the same result.
    public struct Epoch: Sequence, Sendable {
        /// The loader's settings and data.
        let loader: BatchLoader
        /// The epoch's number, counting from 0: it seeds the augmentation.
        public let index: Int
        /// The data set positions in the order served.
        public let order: [Int]

        init(loader: BatchLoader, index: Int, order: [Int]) {
            self.loader = loader
            self.index = index
            self.order = order
        }

        /// An iterator over the batches.
        public func makeIterator() -> Iterator {
            Iterator(epoch: self)
        }
    }

    /// Produces an epoch's batches, reusing one image buffer.
    public struct Iterator: IteratorProtocol, Sendable {
        private let epoch: Epoch
        private var position = 0
        private var buffer = [Float]()
        private var random: NumPyRandomState

        init(epoch: Epoch) {
            self.epoch = epoch
            random = NumPyRandomState(
                seed: BatchLoader.augmentationSeed(seed: epoch.loader.seed, epoch: epoch.index))
        }

        /// The next batch, or nil at the end of the epoch.
        public mutating func next() -> Batch? {
            let loader = epoch.loader
            let dataset = loader.dataset
            guard position < epoch.order.count else { return nil }
            let indices = Array(epoch.order[position ..< position + min(loader.batchSize, epoch.order.count - position)])
            position += indices.count
            let (height, width, channels) = (dataset.height, dataset.width, dataset.channels)
            let size = height * width * channels
            if buffer.count != indices.count * size {
                buffer = [Float](repeating: 0, count: indices.count * size)
            }
            var shifts = [Int](repeating: 0, count: 2 * indices.count)
            if let augmentation = loader.augmentation, augmentation.maxShift > 0 {
                let k = augmentation.maxShift
                // The bounds were validated by the loader, so randint cannot fail here.
                shifts = (try? random.randint(-k, k + 1, shape: [indices.count, 2]).scalars) ?? shifts
            }
            buffer.withUnsafeMutableBufferPointer { output in
                dataset.images.scalars.withUnsafeBufferPointer { images in
                    guard let out = output.baseAddress, let source = images.baseAddress else { return }
                    for (row, index) in indices.enumerated() {
                        let dy = shifts[2 * row], dx = shifts[2 * row + 1]
                        if dy == 0 && dx == 0 {
                            (out + row * size).update(from: source + index * size, count: size)
                        } else {
                            ShiftAugmentation.copy(
                                source + index * size, to: out + row * size,
                                height: height, width: width, channels: channels, dy: dy, dx: dx)
                        }
                    }
                }
                loader.normalization?.normalize(output, channels: channels)
            }
            return Batch(
                images: Tensor(uncheckedShape: [indices.count, height, width, channels], scalars: buffer),
                labels: indices.map { dataset.labels[$0] }, indices: indices)
        }
    }
}
