import ConvKitCore
/// How a layer's initial weights are drawn (biases always start at zero).
///
/// Fan-in and fan-out follow PyTorch: a convolution weight `[R, S, C, K]` has fan-in `R·S·C`
/// and fan-out `R·S·K`; a dense weight `[D, K]` has fan-in `D` and fan-out `K`.
public enum WeightInitialization: Sendable, Hashable {
    /// He (Kaiming) normal, fan-in mode: `N(0, gain² / fanIn)` with
    /// `gain = √(2 / (1 + negativeSlope²))`, PyTorch's `kaiming_normal_` for a layer followed by
    /// ReLU (`negativeSlope` 0) or leaky ReLU.
    case heNormal(negativeSlope: Double)
    /// Glorot (Xavier) uniform: `U(−a, a)` with `a = √(6 / (fanIn + fanOut))`, for the last layer.
    case glorotUniform
    /// All zeros.
    case zeros

    /// The initial weight of `shape`, drawn from `rng` (numpy's legacy generator).
    func weight<T: ConvKitFloat>(
        shape: [Int], fanIn: Int, fanOut: Int, rng: inout NumPyRandomState
    ) throws -> Tensor<T> {
        switch self {
        case .heNormal(let slope):
            let std = (2 / (1 + slope * slope)).squareRoot() / Double(max(fanIn, 1)).squareRoot()
            return try rng.normal(mean: 0, standardDeviation: std, shape: shape).map { T($0) }
        case .glorotUniform:
            let limit = (6 / Double(max(fanIn + fanOut, 1))).squareRoot()
            return try rng.uniform(low: -limit, high: limit, shape: shape).map { T($0) }
        case .zeros:
            return try Tensor(zeros: shape)
        }
    }
}
