import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Public operations called from many threads at once give the bits of a serial run, and a
/// parallel region entered from inside another neither deadlocks nor adds threads.
@Suite struct ConcurrencyTests {
    /// Everything one task computes: convolution and pooling passes and a training step.
    struct Results: Equatable {
        let conv: [UInt32]
        let convGradients: [UInt32]
        let pool: [UInt32]
        let poolGradient: [UInt32]
        let loss: UInt64
        let weights: [UInt32]
    }

    static func work(seed: UInt32) throws -> Results {
        var rng = NumPyRandomState(seed: seed)
        let x = try rng.randn(4, 12, 12, 8).map { Float($0) }
        let w = try rng.randn(3, 3, 8, 16).map { Float($0) }
        let b = try rng.randn(16).map { Float($0) }
        let (y, cache) = try conv2dForward(x, weight: w, bias: b, options: Conv2DOptions(stride: 1, padding: .same))
        let g = try conv2dBackward(try rng.randn(y.shape).map { Float($0) }, cache: cache)
        let (p, poolCache) = try pool2dForward(y, options: Pool2DOptions(.max, window: 3, stride: 2, padding: 1))
        let dx = try pool2dBackward(try rng.randn(p.shape).map { Float($0) }, cache: poolCache)
        var model = try Sequential<Float>(ModelSpec.digits, seed: seed)
        var optimizer = try OptimizerChoice<Float>(named: "adam", learningRate: 1e-3)
        let images = try rng.rand(16, 8, 8, 1).map { Float($0) }
        let labels = (0..<16).map { $0 % 10 }
        let (loss, _) = try model.trainStep(images, labels: labels, optimizer: &optimizer)
        let bits = { (t: Tensor<Float>) in t.scalars.map(\.bitPattern) }
        return Results(
            conv: bits(y), convGradients: bits(g.input) + bits(g.weight) + (g.bias.map(bits) ?? []), pool: bits(p),
            poolGradient: bits(dx), loss: loss.bitPattern, weights: model.state.flatMap { bits($0.value) })
    }

    @Test func eightConcurrentTasksMatchASerialRun() async throws {
        let seeds: [UInt32] = Array(1...8)
        var serial: [UInt32: Results] = [:]
        for seed in seeds { serial[seed] = try Self.work(seed: seed) }
        let concurrent = try await withThrowingTaskGroup(of: (UInt32, Results).self) { group in
            for seed in seeds { group.addTask { (seed, try Self.work(seed: seed)) } }
            var results: [UInt32: Results] = [:]
            for try await (seed, result) in group { results[seed] = result }
            return results
        }
        for seed in seeds { #expect(concurrent[seed] == serial[seed], "seed \(seed)") }
    }

    /// A convolution inside a parallel loop runs on its caller's thread (the pool's loop is
    /// taken): it finishes, with the same bits, on no more threads than the outer loop's.
    @Test func nestedParallelRegions() throws {
        let expected = try Self.work(seed: 3)
        let results = Lock<[Results?]>(Array(repeating: nil, count: 4))
        let threads = Lock<Set<ObjectIdentifier>>([])
        ThreadPool.shared.parallelFor(4, threads: 2) { item, _ in
            threads.withLock { _ = $0.insert(ObjectIdentifier(Thread.current)) }
            let result = try? Self.work(seed: 3)
            results.withLock { $0[item] = result }
        }
        #expect(results.withLock { $0 }.allSatisfy { $0 == expected })
        #expect(threads.withLock { $0.count } <= 2)
    }
}
