import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Checks ``NumPyRandomState`` against values produced by numpy 2's legacy `np.random`
/// (fixtures from Scripts/fixtures/make_numpy_fixtures.py; literals printed by numpy).
@Suite struct NumPyRandomTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/numpy/random")

    @Test func rawOutputsAndDoublesMatchNumPy() throws {
        // np.random.RandomState(0)._bit_generator.random_raw(3)
        var random = NumPyRandomState(seed: 0)
        #expect([random.nextUInt32(), random.nextUInt32(), random.nextUInt32()]
            == [2_357_136_044, 2_546_248_239, 3_071_714_933])
        // np.random.RandomState(0).random_sample(3)
        random.seed(0)
        #expect([random.nextDouble(), random.nextDouble(), random.nextDouble()]
            == [0.5488135039273248, 0.7151893663724195, 0.6027633760716439])
        // np.random.seed(2**32 - 1); np.random.rand(2)
        random.seed(.max)
        #expect(try random.rand(2).scalars == [0.0976320289940138, 0.9123828453026218])
    }

    @Test func gaussiansUseTheCachedSecondValue() throws {
        // np.random.RandomState(7).randn(5), drawn one at a time.
        var random = NumPyRandomState(seed: 7)
        let values = (0..<5).map { _ in random.nextGaussian() }
        #expect(values == [
            1.690525703800356, -0.4659373705408328, 0.0328201636785844, 0.40751628299650783,
            -0.7889230286257386,
        ])
        // np.random.seed(3); np.random.randn(3); np.random.normal(10, 2): the cached value is used.
        random.seed(3)
        _ = try random.randn(3)
        #expect(try random.normal(mean: 10, standardDeviation: 2, shape: []).scalars == [6.273014593271018])
    }

    @Test func randnMatchesNumPyBitForBit() throws {
        var random = NumPyRandomState(seed: 1)
        let x = try random.randn(2, 5, 7, 4)
        guard case .float64(let expected) = try NPY.read(contentsOf: Self.fixtures.appendingPathComponent("randn_seed1_2x5x7x4.npy")) else {
            Issue.record("fixture is not float64")
            return
        }
        #expect(x.shape == [2, 5, 7, 4])
        #expect(x.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
        #expect(x.scalars.count == 280)
        // The array overload draws the same values.
        random.seed(1)
        #expect(try random.randn([2, 5, 7, 4]) == x)
    }

    @Test func reseedingClearsTheCachedGaussian() throws {
        // np.random.seed(3); randn(1); np.random.seed(3); randn(2)
        var random = NumPyRandomState(seed: 3)
        #expect(try random.randn(1).scalars == [1.7886284734303186])
        random.seed(3)
        #expect(try random.randn(2).scalars == [1.7886284734303186, 0.43650985051198943])
    }

    @Test func randintMatchesNumPy() throws {
        var random = NumPyRandomState(seed: 1)
        let small = try random.randint(10, shape: [3, 3])
        #expect(small.shape == [3, 3])
        #expect(small.scalars == [5, 8, 9, 5, 0, 0, 1, 7, 6])

        random.seed(10)
        let block = try random.randint(0, 10, shape: [2, 2, 3, 3]).slice(0, 0)
        #expect(block == (try Tensor(shape: [3, 3], scalars: [9, 4, 0, 1, 9, 0, 1, 8, 9])))
    }

    @Test func randintHandlesRangesBeyond32Bits() throws {
        var random = NumPyRandomState(seed: 0)
        #expect(try random.randint(-(1 << 62), 1 << 62, shape: [4]).scalars == [
            -3_711_235_831_533_098_449, -642_142_871_786_238_784, -2_716_036_421_228_801_285,
            -3_783_737_528_391_729_817,
        ])
        #expect(try random.randint(0, 1 << 33, shape: [3]).scalars == [6_973_152_979, 5_945_874_162, 1_277_901_399])
        #expect(try random.randint(Int.min, Int.max, shape: [2]).scalars
            == [7_226_936_298_635_050_456, 8_553_068_346_248_842_636])
    }

    @Test func randintEdgeRanges() throws {
        // A one-value range draws nothing: np.random.seed(0); randint(5, 6, size=3); rand()
        var random = NumPyRandomState(seed: 0)
        #expect(try random.randint(5, 6, shape: [3]).scalars == [5, 5, 5])
        #expect(random.nextDouble() == 0.5488135039273248)
        // A full 32-bit range returns raw outputs: seed(0); randint(0, 2**32, 3); randint(-5, 2**32 - 5, 2)
        random.seed(0)
        #expect(try random.randint(0, 1 << 32, shape: [3]).scalars == [2_357_136_044, 2_546_248_239, 3_071_714_933])
        #expect(try random.randint(-5, (1 << 32) - 5, shape: [2]).scalars == [3_626_093_755, 2_588_848_958])
    }

    @Test func permutationAndShuffleMatchNumPy() throws {
        var random = NumPyRandomState(seed: 0)
        #expect(try random.permutation(10) == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5])
        #expect(try random.permutation(0) == [])
        random.seed(2)
        var letters = ["a", "b", "c", "d", "e", "f", "g"]
        random.shuffle(&letters)
        #expect(letters == ["e", "b", "d", "c", "g", "f", "a"])
        // Shuffling an empty or one-element array draws nothing.
        random.seed(0)
        var empty = [Int]()
        var single = [42]
        random.shuffle(&empty)
        random.shuffle(&single)
        #expect(single == [42])
        #expect(random.nextDouble() == 0.5488135039273248)
    }

    @Test func uniformAndNormalFollowNumPysEdgeCases() throws {
        // np.random.seed(0); np.random.uniform(3, 1, size=2): high < low is allowed.
        var random = NumPyRandomState(seed: 0)
        #expect(try random.uniform(low: 3, high: 1, shape: [2]).scalars == [1.9023729921453505, 1.569621267255161])
        // np.random.seed(0); normal(4, 0, size=2); rand(): the draws still happen.
        random.seed(0)
        #expect(try random.normal(mean: 4, standardDeviation: 0, shape: [2]).scalars == [4, 4])
        #expect(try random.rand().scalars == [0.6027633760716439])
        // Empty shapes draw nothing.
        random.seed(0)
        #expect(try random.randn(0).shape == [0])
        #expect(try random.rand(3, 0).shape == [3, 0])
        #expect(random.nextDouble() == 0.5488135039273248)
    }

    /// One replayable call of the long stream fixture.
    struct StreamOp: Decodable {
        var op: String
        var shape: [Int]?
        var value: UInt32?
        var low: Int?
        var high: Int?
        var n: Int?
        var bounds: [Double]?
        var mean: Double?
        var sd: Double?
    }

    struct StreamFixture: Decodable {
        var floatCount: Int
        var intCount: Int
        var floatStep: Int
        var intStep: Int
        var ops: [StreamOp]
    }

    @Test func longMixedStreamMatchesNumPyAtSampledPositions() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("stream_ops.json"))
        let fixture = try JSONDecoder().decode(StreamFixture.self, from: data)
        var random = NumPyRandomState(seed: 0)
        var floats = [Double]()
        var ints = [Int]()
        for op in fixture.ops {
            let shape = op.shape ?? []
            switch op.op {
            case "seed": random.seed(try #require(op.value))
            case "randn": floats += try random.randn(shape).scalars
            case "rand": floats += try random.rand(shape).scalars
            case "uniform":
                let bounds = try #require(op.bounds)
                floats += try random.uniform(low: bounds[0], high: bounds[1], shape: shape).scalars
            case "normal":
                floats += try random.normal(
                    mean: try #require(op.mean), standardDeviation: try #require(op.sd), shape: shape).scalars
            case "randint": ints += try random.randint(try #require(op.low), op.high, shape: shape).scalars
            case "permutation": ints += try random.permutation(try #require(op.n))
            default: Issue.record("unknown op \(op.op)")
            }
        }
        #expect(floats.count == fixture.floatCount)
        #expect(ints.count == fixture.intCount)
        #expect(floats.count + ints.count >= 100_000)

        let expectedFloats = try NPY.read(contentsOf: Self.fixtures.appendingPathComponent("stream_floats.npy"))
        let expectedInts = try NPY.read(contentsOf: Self.fixtures.appendingPathComponent("stream_ints.npy"))
        let sampledFloats = stride(from: 0, to: floats.count, by: fixture.floatStep).map { floats[$0] } + [floats.last ?? .nan]
        let sampledInts = stride(from: 0, to: ints.count, by: fixture.intStep).map { ints[$0] } + [ints.last ?? -1]
        #expect(NPYArray(Tensor(sampledFloats)) == expectedFloats)
        #expect(NPYArray(Tensor(sampledInts)) == expectedInts)
    }

    @Test func badArgumentsThrowNamedErrors() {
        var random = NumPyRandomState(seed: 0)
        #expect(throws: ConvKitError("NumPyRandomState.randn", "shape [2, -1] has a negative axis")) {
            try random.randn(2, -1)
        }
        #expect(throws: ConvKitError("NumPyRandomState.rand", "shape [\(Int.max), 2] has more elements than Int.max")) {
            try random.rand(Int.max, 2)
        }
        #expect(throws: ConvKitError("NumPyRandomState.randint", "high 3 must be greater than low 3 (shape [2])")) {
            try random.randint(3, 3, shape: [2])
        }
        #expect(throws: ConvKitError(
            "NumPyRandomState.randint",
            "the exclusive upper bound 0 must be positive when high is omitted (shape [1])")) {
            try random.randint(0, shape: [1])
        }
        #expect(throws: ConvKitError("NumPyRandomState.randint", "shape [-3] has a negative axis")) {
            try random.randint(0, 5, shape: [-3])
        }
        #expect(throws: ConvKitError(
            "NumPyRandomState.uniform", "high - low is not finite (low -inf, high 0.0, shape [1])")) {
            try random.uniform(low: -.infinity, high: 0, shape: [1])
        }
        #expect(throws: ConvKitError(
            "NumPyRandomState.normal", "standardDeviation -1.0 must be non-negative (shape [2])")) {
            try random.normal(standardDeviation: -1, shape: [2])
        }
        #expect(throws: ConvKitError("NumPyRandomState.permutation", "n -1 must be non-negative")) {
            try random.permutation(-1)
        }
    }
}
