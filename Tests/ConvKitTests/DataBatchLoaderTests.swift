import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// BatchLoader: numpy-reproducible shuffling, partial batches, normalisation, shifts.
@Suite struct DataBatchLoaderTests {
    static let reference = (try? NPZ.read(contentsOf: FormatTestSupport.fixture("data/batch_loader.npz"))) ?? [:]

    /// Ten 3×4×2 images whose pixel (y, x, c) of image i is 100·i + 10·y + x + c/2 + 1 (never 0),
    /// labelled i % 4.
    static func dataset() throws -> Dataset {
        var scalars = [Float]()
        for i in 0..<10 { for y in 0..<3 { for x in 0..<4 { for c in 0..<2 { scalars.append(Float(100 * i + 10 * y + x) + Float(c) / 2 + 1) } } } }
        return try Dataset(images: try Tensor(shape: [10, 3, 4, 2], scalars: scalars), labels: (0..<10).map { $0 % 4 },
                           classCount: 4, name: "ramp")
    }

    @Test func servesBatchesInOrderKeepingThePartialOne() throws {
        let data = try Self.dataset()
        var loader = try BatchLoader(data, batchSize: 4, shuffle: false)
        #expect(loader.batchesPerEpoch == 3)
        let batches = Array(loader.nextEpoch())
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.map(\.images.shape) == [[4, 3, 4, 2], [4, 3, 4, 2], [2, 3, 4, 2]])
        #expect(batches.flatMap(\.indices) == Array(0..<10))
        #expect(batches.flatMap(\.labels) == data.labels)
        #expect(batches.flatMap(\.images.scalars) == data.images.scalars)
        #expect(loader.epochsStarted == 1)
        #expect(Array(loader.nextEpoch()) == batches)
    }

    @Test func shufflesEachEpochLikeNumPy() throws {
        let data = try Self.dataset()
        var loader = try BatchLoader(data, batchSize: 4, shuffle: true, seed: 5)
        var again = try BatchLoader(data, batchSize: 4, shuffle: true, seed: 5)
        for epoch in 0..<3 {
            let expected = try NPZ.member("order\(epoch)", of: Self.reference).integers().scalars
            let batches = Array(loader.nextEpoch())
            #expect(batches.flatMap(\.indices) == expected)
            #expect(batches.flatMap(\.labels) == expected.map { data.labels[$0] })
            let rows = try data.subset(expected).images.scalars
            #expect(batches.flatMap(\.images.scalars) == rows)
            #expect(Array(again.nextEpoch()) == batches)   // same seed, same stream
        }
        // An epoch can be iterated twice with the same result.
        var other = try BatchLoader(data, batchSize: 3, seed: 6)
        let epoch = other.nextEpoch()
        #expect(Array(epoch) == Array(epoch))
        #expect(epoch.index == 0 && epoch.order.count == 10)
    }

    @Test func keepsHeldBatchesIntactWhileReusingTheBuffer() throws {
        let data = try Self.dataset()
        var loader = try BatchLoader(data, batchSize: 4, shuffle: false)
        var iterator = loader.nextEpoch().makeIterator()
        let nextFirst = iterator.next(), nextSecond = iterator.next()
        let first = try #require(nextFirst)
        let second = try #require(nextSecond)
        #expect(first.images.scalars == Array(data.images.scalars[0 ..< 96]))
        #expect(second.images.scalars == Array(data.images.scalars[96 ..< 192]))
        #expect(iterator.next()?.count == 2)
        #expect(iterator.next() == nil)
    }

    @Test func normalisesPerChannel() throws {
        let data = try Self.dataset()
        let fitted = BatchLoader.Normalization.fitted(to: data)
        // Channel 1 is channel 0 + 0.5: same spread, mean shifted by 0.5.
        #expect(fitted.mean.count == 2 && abs(fitted.mean[1] - fitted.mean[0] - 0.5) < 1e-3)
        #expect(abs(fitted.standardDeviation[0] - fitted.standardDeviation[1]) < 1e-3)
        let normalized = try fitted.apply(to: data.images)
        for channel in 0..<2 {
            let values = stride(from: channel, to: normalized.count, by: 2).map { Double(normalized.scalars[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4)
        }
        var loader = try BatchLoader(data, batchSize: 10, shuffle: false, normalization: fitted)
        #expect(Array(loader.nextEpoch())[0].images == normalized)
        let scalar = BatchLoader.Normalization(mean: 1, standardDeviation: 2)
        #expect(try scalar.apply(to: Tensor<Float>(shape: [1, 1, 1, 2], scalars: [3, 5])).scalars == [1, 2])
        // A constant channel is only centred.
        let flat = try Dataset(images: try Tensor(shape: [2, 1, 1, 1], repeating: 4), labels: [0, 0], classCount: 1, name: "flat")
        #expect(BatchLoader.Normalization.fitted(to: flat) == BatchLoader.Normalization(mean: 4, standardDeviation: 1))
        let empty = try flat.subset([])
        #expect(BatchLoader.Normalization.fitted(to: empty) == BatchLoader.Normalization(mean: 0, standardDeviation: 1))
    }

    @Test func shiftsImagesWithZeroFillReproducibly() throws {
        let data = try Self.dataset()
        var loader = try BatchLoader(data, batchSize: 4, shuffle: true, seed: 5, augmentation: .init(maxShift: 2))
        var plain = try BatchLoader(data, batchSize: 4, shuffle: true, seed: 5)
        for epoch in 0..<2 {
            let shifts = try NPZ.member("shifts\(epoch)", of: Self.reference).integers().scalars
            let batches = Array(loader.nextEpoch())
            // Augmentation does not change the order.
            #expect(batches.flatMap(\.indices) == Array(plain.nextEpoch()).flatMap(\.indices))
            var row = 0
            for batch in batches {
                for (position, index) in batch.indices.enumerated() {
                    let dy = shifts[2 * row], dx = shifts[2 * row + 1]
                    let image = try data.images.slice(index)
                    var expected = [Float]()
                    for y in 0..<3 { for x in 0..<4 { for c in 0..<2 {
                        let (sy, sx) = (y - dy, x - dx)
                        expected.append(sy >= 0 && sy < 3 && sx >= 0 && sx < 4 ? image[sy, sx, c] : 0)
                    } } }
                    #expect(try batch.images.slice(position).scalars == expected, "epoch \(epoch) image \(index) shift \(dy), \(dx)")
                    row += 1
                }
            }
        }
        // A zero shift is the identity.
        var none = try BatchLoader(data, batchSize: 10, shuffle: false, augmentation: .init(maxShift: 0))
        #expect(Array(none.nextEpoch())[0].images == data.images)
    }

    @Test func validatesItsSettings() throws {
        let data = try Self.dataset()
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 0) } == "BatchLoader.init: batchSize 0 must be at least 1")
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 2, normalization: .init(mean: [0, 0, 0], standardDeviation: [1])) }
            == "BatchLoader.init: normalization has 3 means and 1 standard deviations; expected 1 or 2 (one per channel) of each")
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 2, normalization: .init(mean: .nan, standardDeviation: 1)) }
            == "BatchLoader.init: normalization mean [nan] must be finite")
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 2, normalization: .init(mean: 0, standardDeviation: 0)) }
            == "BatchLoader.init: normalization standardDeviation [0.0] must be positive and finite")
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 2, augmentation: .init(maxShift: 3)) }
            == "BatchLoader.init: augmentation maxShift 3 must be in 0..<3 for images of 3×4")
        #expect(FormatTestSupport.message { try BatchLoader(data, batchSize: 2, augmentation: .init(maxShift: -1)) }
            == "BatchLoader.init: augmentation maxShift -1 must be in 0..<3 for images of 3×4")
        #expect(FormatTestSupport.message { try BatchLoader.Normalization(mean: 0, standardDeviation: 1).apply(to: Tensor<Float>(1)) }
            == "BatchLoader.Normalization.apply: images has shape [], expected [N, H, W, C]")
        var empty = try BatchLoader(try data.subset([]), batchSize: 4)
        #expect(empty.batchesPerEpoch == 0)
        #expect(Array(empty.nextEpoch()).isEmpty)
    }
}
