import ConvKitCore
extension BatchLoader {
    /// Per-channel standardisation `(x − mean) / standardDeviation`, with one value for all
    /// channels or one per channel.
    ///
    /// Fit it on the training set and apply the same values to the test set:
    /// ```swift
    /// let normalization = BatchLoader.Normalization.fitted(to: train)
    /// let testImages = try normalization.apply(to: test.images)
    /// ```
    public struct Normalization: Sendable, Equatable {
        /// Subtracted from each channel.
        public var mean: [Float]
        /// Each channel is divided by this, after subtracting the mean.
        public var standardDeviation: [Float]

        /// Creates a normalisation; the counts are checked against the images when used.
        public init(mean: [Float], standardDeviation: [Float]) {
            self.mean = mean
            self.standardDeviation = standardDeviation
        }

        /// The same mean and standard deviation for every channel.
        public init(mean: Float, standardDeviation: Float) {
            self.init(mean: [mean], standardDeviation: [standardDeviation])
        }

        /// The per-channel mean and population standard deviation (numpy's `x.std()`) of all
        /// pixels of `dataset`, computed in Double. A constant channel gets standard deviation
        /// 1, so that it is only centred; an empty set gives mean 0 and standard deviation 1.
        public static func fitted(to dataset: Dataset) -> Normalization {
            let channels = dataset.channels
            var sums = [Double](repeating: 0, count: channels)
            let scalars = dataset.images.scalars
            for (i, value) in scalars.enumerated() { sums[i % channels] += Double(value) }
            let perChannel = Double(scalars.count / channels)
            guard perChannel > 0 else {
                return Normalization(mean: [Float](repeating: 0, count: channels), standardDeviation: [Float](repeating: 1, count: channels))
            }
            let means = sums.map { $0 / perChannel }
            var squares = [Double](repeating: 0, count: channels)
            for (i, value) in scalars.enumerated() {
                let deviation = Double(value) - means[i % channels]
                squares[i % channels] += deviation * deviation
            }
            let deviations = squares.map { ($0 / perChannel).squareRoot() }
            return Normalization(
                mean: means.map { Float($0) },
                standardDeviation: deviations.map { $0 > 0 && $0.isFinite ? Float($0) : 1 })
        }

        /// Normalises images `[N, H, W, C]` (or any shape whose last axis is the channels).
        ///
        /// - Throws: ``ConvKitError`` when the tensor is 0-d, the counts do not match its
        ///   channels, or a value is invalid (see ``BatchLoader/init(_:batchSize:shuffle:seed:normalization:augmentation:)``).
        public func apply(to images: Tensor<Float>) throws -> Tensor<Float> {
            let function = "BatchLoader.Normalization.apply"
            guard let channels = images.shape.last, channels >= 1 else {
                throw ConvKitError(function, "images has shape \(shapeString(images.shape)), expected [N, H, W, C]")
            }
            try validate(channels: channels, function: function)
            var scalars = images.scalars
            scalars.withUnsafeMutableBufferPointer { buffer in
                normalize(buffer, channels: channels)
            }
            return Tensor(uncheckedShape: images.shape, scalars: scalars)
        }

        /// Checks the counts and values against images of `channels` channels.
        package func validate(channels: Int, function: String) throws {
            guard [1, channels].contains(mean.count), [1, channels].contains(standardDeviation.count) else {
                throw ConvKitError(
                    function,
                    "normalization has \(mean.count) means and \(standardDeviation.count) standard deviations; "
                        + "expected 1 or \(channels) (one per channel) of each")
            }
            guard mean.allSatisfy(\.isFinite) else {
                throw ConvKitError(function, "normalization mean \(mean) must be finite")
            }
            guard standardDeviation.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ConvKitError(function, "normalization standardDeviation \(standardDeviation) must be positive and finite")
            }
        }

        /// Normalises a buffer of interleaved channels in place (counts already validated).
        func normalize(_ buffer: UnsafeMutableBufferPointer<Float>, channels: Int) {
            let means = mean.count == 1 ? [Float](repeating: mean[0], count: channels) : mean
            let deviations = standardDeviation.count == 1
                ? [Float](repeating: standardDeviation[0], count: channels) : standardDeviation
            var channel = 0
            for i in buffer.indices {
                buffer[i] = (buffer[i] - means[channel]) / deviations[channel]
                channel += 1
                if channel == channels { channel = 0 }
            }
        }
    }
}
