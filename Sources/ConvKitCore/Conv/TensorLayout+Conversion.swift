extension TensorLayout {
    /// An activation in this layout, as NHWC (no copy when it already is), converted on up to
    /// `threads` threads.
    package func activationToNHWC<T>(_ x: Tensor<T>, threads: Int = ConvKitRuntime.threads) -> Tensor<T> {
        self == .nhwc ? x : Tensor.permutingUnchecked(x, [0, 2, 3, 1], threads: threads)
    }

    /// An NHWC activation, in this layout.
    package func activationFromNHWC<T>(_ x: Tensor<T>, threads: Int = ConvKitRuntime.threads) -> Tensor<T> {
        self == .nhwc ? x : Tensor.permutingUnchecked(x, [0, 3, 1, 2], threads: threads)
    }

    /// A weight in this layout, as the course's (R, S, C/G, K).
    package func weightToRSCK<T>(_ w: Tensor<T>, threads: Int = ConvKitRuntime.threads) -> Tensor<T> {
        self == .nhwc ? w : Tensor.permutingUnchecked(w, [2, 3, 1, 0], threads: threads)
    }

    /// A (R, S, C/G, K) weight, in this layout.
    func weightFromRSCK<T>(_ w: Tensor<T>, threads: Int = ConvKitRuntime.threads) -> Tensor<T> {
        self == .nhwc ? w : Tensor.permutingUnchecked(w, [3, 2, 0, 1], threads: threads)
    }
}

extension Tensor {
    /// `transposed` for rank-4 permutations the caller has already checked (`permuted4`: on
    /// pointers, blocked and in parallel).
    static func permutingUnchecked(_ x: Tensor, _ axes: [Int], threads: Int) -> Tensor {
        x.rank == 4 && axes.count == 4 ? permuted4(x, axes, threads: threads) : ((try? x.transposed(axes)) ?? x)
    }
}
