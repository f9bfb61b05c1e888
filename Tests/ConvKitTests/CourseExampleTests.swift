import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Every published value of the course material, as `convkit demo` shows it.
@Suite struct CourseExampleTests {
    @Test(arguments: CourseExamples.all.indices)
    func reproducesPublishedValues(example index: Int) throws {
        let example = CourseExamples.all[index]
        let checks = try example.run()
        #expect(!checks.isEmpty)
        for check in checks {
            #expect(check.passed, "\(example.title): \(check.label) = \(check.computed), expected \(check.expected)")
        }
    }

    /// numpy on this machine prints these digits; summing in numpy's order reproduces them to the bit.
    @Test func convForwardMatchesNumpyBitForBit() throws {
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(2, 5, 7, 4)
        let W = try rng.randn(3, 3, 4, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (Z, _) = try convForward(APrev, W, b, hparameters: ["pad": 1, "stride": 2])
        #expect(Z.mean() == 0.5511276474566768)
        #expect(Z[0, 2, 1, 6] == 10.992888673283165)  // numpy: 10.992888673283165
    }

    @Test func convBackwardMatchesNumpyOnThisMachine() throws {
        // Computed by the course's own loops under numpy 2 here; the notebook's K = 8 figures
        // (1.4524377775388078, 1.72699145831391, 7.839232564616832) differ in the last bit only.
        var rng = NumPyRandomState(seed: 1)
        let APrev = try rng.randn(10, 4, 4, 3)
        let W = try rng.randn(2, 2, 3, 8)
        let b = try rng.randn(1, 1, 1, 8)
        let (Z, cache) = try convForward(APrev, W, b, hparameters: ["pad": 2, "stride": 2])
        let (dA, dW, db) = try convBackward(Z, cache: cache)
        #expect(dA.mean() == 1.4524377775388075)
        #expect(dW.mean() == 1.7269914583139097)
        #expect(db.mean() == 7.839232564616838)
        #expect(dA.shape == [10, 4, 4, 3] && dW.shape == [2, 2, 3, 8] && db.shape == [1, 1, 1, 8])
    }

    @Test func convSingleStepIsSumOfProductsPlusBias() throws {
        let a = try Tensor<Double>(shape: [2, 2, 1], scalars: [1, 2, 3, 4])
        let w = try Tensor<Double>(shape: [2, 2, 1], scalars: [0.5, -1, 2, 0.25])
        #expect(try convSingleStep(a, w, Tensor(shape: [1, 1, 1], scalars: [10])) == 0.5 - 2 + 6 + 1 + 10)
    }

    @Test func rotate180FlipsTheSpatialAxesOnly() throws {
        let k = try Tensor<Int>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try rotate180(k).scalars == [6, 5, 4, 3, 2, 1])
        // (R, S, C, K) = (2, 1, 1, 2): rows swap, channels stay.
        let nhwc = try Tensor<Int>(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        #expect(try rotate180(nhwc).scalars == [3, 4, 1, 2])
        let nchw = try Tensor<Int>(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        #expect(try rotate180(nchw, layout: .nchw).scalars == [2, 1, 4, 3])
    }

    @Test func poolBackwardGivesEveryTiedMaximumTheGradient() throws {
        // One 2×2 window holding two equal maxima: the course's mask sends dA to both.
        let x = try Tensor<Double>(shape: [1, 2, 2, 1], scalars: [3, 1, 3, 2])
        let (_, cache) = try poolForward(x, hparameters: ["f": 2, "stride": 1])
        let dx = try poolBackward(Tensor(shape: [1, 1, 1, 1], scalars: [5]), cache: cache, mode: .max)
        #expect(dx.scalars == [5, 0, 5, 0])
    }
}
