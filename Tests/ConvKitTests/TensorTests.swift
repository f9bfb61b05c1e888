import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Reads numpy's `repr` of float64 values.
///
/// Swift float literals can land one ulp away from the correctly rounded value (on x86 they
/// round through `Float80` first: `-0.352631` does), so exact comparisons with numpy parse
/// strings instead.
func numpyValues(_ texts: [String]) throws -> [Double] {
    try texts.map { text in try #require(Double(text), "not a number: \(text)") }
}

/// Expected values come from numpy 2.4 on the same inputs; `x` is `np.arange(24.).reshape(2, 3, 4)`.
@Suite struct TensorTests {
    let x: Tensor<Double>
    /// `np.round(np.random.default_rng(3).normal(size=(2, 3)), 6)` and the next draw.
    let a: Tensor<Double>
    let b: Tensor<Double>

    init() throws {
        x = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
        a = try Tensor(
            shape: [2, 3],
            scalars: numpyValues(["2.040919", "-2.555665", "0.418099", "-0.56777", "-0.452649", "-0.215597"]))
        b = try Tensor(
            shape: [2, 3],
            scalars: numpyValues(["-2.019986", "-0.231932", "-0.865213", "3.323", "0.225787", "-0.352631"]))
    }

    // MARK: Construction

    @Test func initialiserRejectsBadShapes() {
        #expect(
            throws: ConvKitError(
                "Tensor.init", "shape [2, 3] holds 6 elements but 5 were given")
        ) {
            try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5])
        }
        #expect(throws: ConvKitError("Tensor.init", "shape [-1, 3] has a negative axis")) {
            try Tensor<Double>(shape: [-1, 3], repeating: 0)
        }
        // The product would overflow Int: a thrown error, not a trap.
        #expect(
            throws: ConvKitError(
                "Tensor.init", "shape [\(Int.max), 2] has more elements than Int.max")
        ) {
            try Tensor<Double>(zeros: [Int.max, 2])
        }
    }

    @Test func scalarAndVectorInitialisers() throws {
        #expect(Tensor(2.5).shape == [])
        #expect(Tensor(2.5).scalars == [2.5])
        #expect(Tensor<Int>([4, 5, 6]).shape == [3])
        #expect(try Tensor<Double>(zeros: [0, 3]).count == 0)
        #expect(x.strides == [12, 4, 1])
        #expect(x[1, 2, 3] == 23)
        #expect(try x.scalar(at: [1, 0, 2]) == 14)
        #expect(
            throws: ConvKitError(
                "Tensor.scalar", "index [2, 0, 0] is out of range for shape [2, 3, 4]")
        ) {
            try x.scalar(at: [2, 0, 0])
        }
    }

    // MARK: Reshape and slices

    @Test func reshapeInfersOneAxis() throws {
        let x = try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: ConvKitError.self) { try x.reshaped([4, -1]) }
    }

    @Test func reshapeKeepsRowMajorOrder() throws {
        let y = try x.reshaped([4, 6])
        #expect(y.shape == [4, 6])
        #expect(y.scalars == x.scalars)
        #expect(try y.scalar(at: [2, 1]) == 13)
        #expect(try x.reshaped([-1]).shape == [24])
        #expect(try x.reshaped([3, -1, 2]).shape == [3, 4, 2])
        #expect(try Tensor(7.0).reshaped([1, 1]).shape == [1, 1])
        #expect(try Tensor<Double>(zeros: [0, 3]).reshaped([-1, 3]).shape == [0, 3])
    }

    @Test func reshapeRejectsIncompatibleShapes() {
        #expect(throws: ConvKitError("Tensor.reshaped", "cannot reshape [2, 3, 4] to [5, -1]")) {
            try x.reshaped([5, -1])
        }
        #expect(throws: ConvKitError("Tensor.reshaped", "cannot reshape [2, 3, 4] to [-1, -1]")) {
            try x.reshaped([-1, -1])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.reshaped", "cannot reshape [2, 3, 4] (24 elements) to [5, 5]")
        ) {
            try x.reshaped([5, 5])
        }
        #expect(throws: ConvKitError("Tensor.reshaped", "cannot reshape [2, 3, 4] to [-2, 12]")) {
            try x.reshaped([-2, 12])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.reshaped", "cannot reshape [2, 3, 4] to [\(Int.max), 4, -1]")
        ) {
            try x.reshaped([Int.max, 4, -1])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.reshaped", "cannot reshape [2, 3, 4] (24 elements) to [\(Int.max), 4]")
        ) {
            try x.reshaped([Int.max, 4])
        }
    }

    @Test func sliceAtLeadingIndices() throws {
        let block = try x.slice(1)
        #expect(block.shape == [3, 4])
        #expect(block.scalars == (12..<24).map(Double.init))
        let row = try x.slice(1, 2)
        #expect(row.shape == [4])
        #expect(row.scalars == [20, 21, 22, 23])
        let element = try x.slice(0, 1, 2)
        #expect(element.shape == [])
        #expect(element.scalars == [6])
        #expect(try x.slice() == x)
    }

    @Test func sliceOfRows() throws {
        let rows = try x.reshaped([6, 4]).slice(2..<5)
        #expect(rows.shape == [3, 4])
        #expect(rows.scalars == (8..<20).map(Double.init))
        #expect(try x.slice(1..<1).shape == [0, 3, 4])
    }

    @Test func sliceRejectsBadIndices() {
        #expect(
            throws: ConvKitError(
                "Tensor.slice", "index 2 is out of range for axis 0 of shape [2, 3, 4]")
        ) {
            try x.slice(2)
        }
        #expect(
            throws: ConvKitError(
                "Tensor.slice", "index -1 is out of range for axis 1 of shape [2, 3, 4]")
        ) {
            try x.slice(0, -1)
        }
        #expect(throws: ConvKitError("Tensor.slice", "4 indices for a tensor of shape [2, 3, 4]")) {
            try x.slice(0, 0, 0, 0)
        }
        #expect(
            throws: ConvKitError(
                "Tensor.slice", "range 1..<3 is out of range for shape [2, 3, 4]")
        ) {
            try x.slice(1..<3)
        }
        #expect(throws: ConvKitError("Tensor.slice", "range 0..<1 is out of range for shape []")) {
            try Tensor(1.0).slice(0..<1)
        }
    }

    // MARK: Transpose

    @Test func transposedMatchesNumpy() throws {
        // x.transpose(2, 0, 1).ravel()
        let moved = try x.transposed([2, 0, 1])
        #expect(moved.shape == [4, 2, 3])
        #expect(moved.scalars == [
            0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23,
        ])
        // x.transpose(1, 0, 2).ravel()
        let swapped = try x.transposed([1, 0, 2])
        #expect(swapped.shape == [3, 2, 4])
        #expect(swapped.scalars == [
            0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23,
        ])
        #expect(try moved.transposed([1, 2, 0]) == x)
    }

    @Test func transposedRejectsNonPermutations() {
        #expect(
            throws: ConvKitError(
                "Tensor.transposed", "axes [0, 0, 1] are not a permutation for shape [2, 3, 4]")
        ) {
            try x.transposed([0, 0, 1])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.transposed", "axes [1, 0] are not a permutation for shape [2, 3, 4]")
        ) {
            try x.transposed([1, 0])
        }
    }

    // MARK: Reductions

    @Test func sumOverAllAndOverAxes() throws {
        #expect(x.sum() == 276)
        let overFirst = try x.sum(axes: [0])
        #expect(overFirst.shape == [3, 4])
        #expect(overFirst.scalars == [12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34])
        let overOuter = try x.sum(axes: [0, 2])
        #expect(overOuter.shape == [3])
        #expect(overOuter.scalars == [60, 92, 124])
        let kept = try x.sum(axes: [2, 0], keepingDimensions: true)
        #expect(kept.shape == [1, 3, 1])
        #expect(kept.scalars == [60, 92, 124])
        #expect(try x.sum(axes: []) == x)
        #expect(try x.sum(axes: [0, 1, 2]).shape == [])
        #expect(try x.sum(axes: [0, 1, 2]).scalars == [276])
    }

    @Test func sumRejectsBadAxes() {
        #expect(throws: ConvKitError("Tensor.sum", "axes [3] are not valid for shape [2, 3, 4]")) {
            try x.sum(axes: [3])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.sum", "axes [1, 1] are not valid for shape [2, 3, 4]")
        ) {
            try x.sum(axes: [1, 1])
        }
    }

    @Test func meanOverAllAndOverAxes() throws {
        #expect(x.mean() == 11.5)
        let overRows = try x.mean(axes: [1])
        #expect(overRows.shape == [2, 4])
        #expect(overRows.scalars == [4, 5, 6, 7, 16, 17, 18, 19])
        let perBlock = try x.mean(axes: [1, 2], keepingDimensions: true)
        #expect(perBlock.shape == [2, 1, 1])
        #expect(perBlock.scalars == [5.5, 17.5])
        #expect(try Tensor<Double>(zeros: [0]).mean().isNaN)
        #expect(
            throws: ConvKitError(
                "Tensor.mean", "axes [-1] are not valid for shape [2, 3, 4]")
        ) {
            try x.mean(axes: [-1])
        }
    }

    @Test func maxOverAllAndOverAxes() throws {
        #expect(try x.max() == 23)
        let overColumns = try x.max(axes: [2])
        #expect(overColumns.shape == [2, 3])
        #expect(overColumns.scalars == [3, 7, 11, 15, 19, 23])
        let kept = try x.max(axes: [0, 1], keepingDimensions: true)
        #expect(kept.shape == [1, 1, 4])
        #expect(kept.scalars == [20, 21, 22, 23])
        let negative = try Tensor<Double>(shape: [2, 2], scalars: [-3, -1, -.infinity, -2])
        #expect(try negative.max(axes: [0]).scalars == [-3, -1])
    }

    @Test func maxPropagatesNaN() throws {
        // np.max([[1, nan], [3, 2]], axis=1) is [nan, 3.]; axis=0 is [3., nan].
        let y = try Tensor<Double>(shape: [2, 2], scalars: [1, .nan, 3, 2])
        let perRow = try y.max(axes: [1])
        #expect(perRow.scalars[0].isNaN)
        #expect(perRow.scalars[1] == 3)
        let perColumn = try y.max(axes: [0])
        #expect(perColumn.scalars[0] == 3)
        #expect(perColumn.scalars[1].isNaN)
        #expect(try y.max().isNaN)
        #expect(try Tensor<Float>([.nan, 5]).max().isNaN)
    }

    @Test func maxRejectsEmptyReductions() throws {
        let empty = try Tensor<Double>(zeros: [0, 3])
        #expect(throws: ConvKitError("Tensor.max", "the tensor of shape [0, 3] is empty")) {
            try empty.max()
        }
        #expect(throws: ConvKitError("Tensor.max", "axes [0] cannot be reduced for shape [0, 3]")) {
            try empty.max(axes: [0])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.max", "axes [] cannot be reduced for shape [2, 3, 4]")
        ) {
            try x.max(axes: [])
        }
        #expect(
            throws: ConvKitError(
                "Tensor.max", "axes [1, 1] are not valid for shape [2, 3, 4]")
        ) {
            try x.max(axes: [1, 1])
        }
        #expect(try empty.max(axes: [1]).shape == [0])
    }

    // MARK: linspace

    @Test func linspaceMatchesNumpyBitForBit() throws {
        // np.linspace(-0.1, 0.5, 24)
        let expected = try numpyValues([
            "-0.1", "-0.07391304347826087", "-0.04782608695652175", "-0.021739130434782622",
            "0.0043478260869565105", "0.030434782608695643", "0.05652173913043476", "0.08260869565217391",
            "0.10869565217391303", "0.13478260869565215", "0.1608695652173913", "0.18695652173913044",
            "0.21304347826086953", "0.23913043478260868", "0.26521739130434785", "0.29130434782608694",
            "0.31739130434782603", "0.34347826086956523", "0.3695652173913043", "0.3956521739130434",
            "0.4217391304347826", "0.4478260869565217", "0.4739130434782609", "0.5",
        ])
        let grid = try Tensor<Double>(linspace: -0.1, 0.5, shape: [2, 3, 4])
        #expect(grid.shape == [2, 3, 4])
        #expect(grid.scalars == expected)
        #expect(try Tensor<Double>(linspace: 2.5, 7, shape: [1]).scalars == [2.5])
        #expect(try Tensor<Double>(linspace: 2.5, 7, shape: [0]).scalars == [])
    }

    @Test func floatLinspaceIsWithinRoundingOfNumpy() throws {
        // np.linspace(np.float32(-0.1), np.float32(0.5), 24, dtype=np.float32), computed in
        // float64 and rounded once; Float arithmetic may differ in the last bits.
        let expected: [Float] = [
            -0.10000000149011612, -0.07391304522752762, -0.04782608523964882, -0.02173912525177002,
            0.0043478310108184814, 0.03043479472398758, 0.05652175098657608, 0.08260870724916458,
            0.10869566351175308, 0.134782612323761, 0.16086959838867188, 0.18695655465126038,
            0.21304351091384888, 0.23913046717643738, 0.2652174234390259, 0.2913043797016144,
            0.3173913359642029, 0.3434782922267914, 0.3695652484893799, 0.3956522047519684,
            0.4217391908168793, 0.4478261172771454, 0.4739131033420563, 0.5,
        ]
        let grid = try Tensor<Float>(linspace: -0.1, 0.5, shape: [24])
        #expect(grid.isClose(to: Tensor(expected), relativeTolerance: 0, absoluteTolerance: 1e-7))
        #expect(grid.scalars.first == -0.1)
        #expect(grid.scalars.last == 0.5)
    }

    // MARK: Element-wise arithmetic

    @Test func elementwiseOperationsMatchNumpy() throws {
        #expect(try (a + b).scalars == numpyValues([
            "0.020933000000000312", "-2.787597", "-0.447114", "2.75523", "-0.22686200000000004",
            "-0.568228",
        ]))
        #expect(try (a - b).scalars == numpyValues([
            "4.060905", "-2.323733", "1.283312", "-3.89077", "-0.678436", "0.13703399999999996",
        ]))
        #expect(try (a * b).scalars == numpyValues([
            "-4.122627807134", "0.59274049478", "-0.361744690087", "-1.88669971", "-0.102202259763",
            "0.076026185707",
        ]))
        #expect(try (a / b).scalars == numpyValues([
            "-1.010362943109507", "11.019027128641152", "-0.4832324525868196", "-0.17086066807102016",
            "-2.0047611244225756", "0.6113954813955665",
        ]))
        #expect(try (a * 2.5).scalars == numpyValues([
            "5.102297500000001", "-6.389162499999999", "1.0452474999999999", "-1.419425", "-1.1316225",
            "-0.5389925",
        ]))
        #expect(try (a + 0.1).scalars == numpyValues([
            "2.1409190000000002", "-2.4556649999999998", "0.518099", "-0.46777", "-0.352649",
            "-0.115597",
        ]))
        #expect(try (a / 3).scalars == numpyValues([
            "0.6803063333333333", "-0.8518883333333332", "0.13936633333333334", "-0.18925666666666666",
            "-0.15088300000000002", "-0.07186566666666667",
        ]))
        #expect(try (a + b).shape == [2, 3])
    }

    @Test func elementwiseOperationsRejectShapeMismatch() throws {
        let c = try a.reshaped([3, 2])
        #expect(throws: ConvKitError("Tensor.+", "shapes differ: [2, 3] and [3, 2]")) { try a + c }
        #expect(throws: ConvKitError("Tensor.-", "shapes differ: [2, 3] and [3, 2]")) { try a - c }
        #expect(throws: ConvKitError("Tensor.*", "shapes differ: [2, 3] and [3, 2]")) { try a * c }
        #expect(throws: ConvKitError("Tensor./", "shapes differ: [3, 2] and [2, 3]")) { try c / a }
        let error = #expect(throws: ConvKitError.self) { try a + Tensor<Double>([1, 2]) }
        #expect(error?.message == "Tensor.+: shapes differ: [2, 3] and [2]")
    }

    @Test func integerTensorsAndMasks() throws {
        let counts = try Tensor<Int>(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(try (counts * counts).scalars == [1, 4, 9, 16])
        #expect((counts + 10).scalars == [11, 12, 13, 14])
        #expect(counts.sum() == 10)
        let mask = x.elementsEqual(to: 5)
        #expect(mask.shape == [2, 3, 4])
        #expect(mask.scalars.filter { $0 }.count == 1)
        #expect(mask[0, 1, 1])
    }

    // MARK: Comparison

    @Test func relativeErrorMatchesNumpyNorms() throws {
        // np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))
        // Summation order differs from numpy's, hence a few ulps of tolerance.
        let error = try #require(a.relativeError(to: b))
        #expect(abs(error - 1.5594587842906327) <= 1e-15)
        let small = try #require(a.relativeError(to: a * (1 + 1e-7)))
        #expect(abs(small - 9.999999004311998e-08) <= 1e-20)
        #expect(a.relativeError(to: a) == 0)
        #expect(try Tensor<Double>(zeros: [2]).relativeError(to: Tensor(zeros: [2])) == 0)
        #expect(a.relativeError(to: try a.reshaped([3, 2])) == nil)
    }

    @Test func isCloseFollowsNumpyIsclose() throws {
        // np.allclose(a, a * (1 + 1e-7)) is True; with 1e-4 it is False.
        #expect(a.isClose(to: a * (1 + 1e-7)))
        #expect(!a.isClose(to: a * (1 + 1e-4)))
        #expect(!a.isClose(to: try a.reshaped([3, 2])))
        // np.isclose(1e10, 1e10 * (1 + 9e-6)) is True, with 2e-5 False; np.isclose(0, 1e-8) True.
        #expect(Tensor<Double>([1e10]).isClose(to: Tensor([1e10 * (1 + 9e-6)])))
        #expect(!Tensor<Double>([1e10]).isClose(to: Tensor([1e10 * (1 + 2e-5)])))
        #expect(Tensor<Double>([0]).isClose(to: Tensor([1e-8])))
        #expect(!Tensor<Double>([0]).isClose(to: Tensor([2e-8])))
        #expect(Tensor<Double>([0, 1]).isClose(to: Tensor([0.5, 1.5]), absoluteTolerance: 0.5))
    }

    @Test func isCloseTreatsInfinitiesAndNaNsExactly() {
        // np.isclose(inf, -inf) and np.isclose(1, inf) are False; np.isclose(inf, inf) is True.
        let infinity = Double.infinity
        #expect(!Tensor([infinity]).isClose(to: Tensor([-infinity])))
        #expect(!Tensor([1.0]).isClose(to: Tensor([infinity])))
        #expect(!Tensor([infinity]).isClose(to: Tensor([1.0])))
        #expect(Tensor([infinity, -infinity]).isClose(to: Tensor([infinity, -infinity])))
        // NaNs match NaNs (numpy's equal_nan=True), and nothing else.
        #expect(Tensor([Double.nan, 1]).isClose(to: Tensor([.nan, 1])))
        #expect(!Tensor([Double.nan]).isClose(to: Tensor([1.0])))
    }
}
