@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Central-difference gradient checks in Double.
enum GradientCheck {
    /// The norm-wise relative error between `analytic` and central differences of
    /// `L(x) = Σ f(x) · weights` at up to `samples` positions of `x` (all of them when fewer).
    static func relativeError(
        of analytic: Tensor<Double>, at x: Tensor<Double>, weights: Tensor<Double>,
        samples: Int = 24, rng: inout NumPyRandomState,
        _ f: (Tensor<Double>) throws -> Tensor<Double>
    ) throws -> Double {
        func loss(_ x: Tensor<Double>) throws -> Double {
            pairwiseSum(zip(try f(x).scalars, weights.scalars).map { $0 * $1 })
        }
        let positions = x.count <= samples
            ? Array(0..<x.count) : try rng.permutation(x.count).prefix(samples).map { $0 }
        let h = 1e-5
        var numeric: [Double] = []
        var exact: [Double] = []
        for i in positions {
            var plus = x
            plus.scalars[i] += h
            var minus = x
            minus.scalars[i] -= h
            numeric.append((try loss(plus) - loss(minus)) / (2 * h))
            exact.append(analytic.scalars[i])
        }
        return Tensor(numeric).relativeError(to: Tensor(exact)) ?? .infinity
    }
}
