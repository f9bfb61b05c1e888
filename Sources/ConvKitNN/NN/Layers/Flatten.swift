import ConvKitCore
/// Flattens each sample to one axis: `[N, H, W, C]` → `[N, H·W·C]`, in NHWC order (channels
/// fastest). No data moves: the output shares the input's elements.
///
/// Note that PyTorch flattens NCHW tensors (width fastest): a dense layer after a flatten sees
/// the features in another order than PyTorch's.
public struct Flatten<Scalar: ConvKitFloat>: Layer {
    /// The shape of one input sample, without the batch axis.
    public let inputShape: [Int]
    /// The shape of one output sample, without the batch axis.
    public let outputShape: [Int]
    /// The batch size of the last forward pass, or `nil` when no backward pass is pending.
    private var batch: Int?

    /// A flatten for samples of `inputShape`.
    public init(inputShape: [Int]) {
        self.inputShape = inputShape
        self.outputShape = [inputShape.reduce(1, *)]
    }

    /// The layer as a model-spec item.
    public var spec: LayerSpec { .flatten }

    // x is (N, H, W, C); y is (N, H·W·C)
    /// The forward pass (see ``Layer/forward(_:training:)``).
    public mutating func forward(_ input: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
        let n = try checkInput(input)
        batch = n
        return Tensor(uncheckedShape: [n] + outputShape, scalars: input.scalars)
    }

    // dy is (N, H·W·C); dx is (N, H, W, C)
    /// The backward pass (see ``Layer/backward(_:needsInputGradient:)``).
    public mutating func backward(_ gradOutput: Tensor<Scalar>, needsInputGradient: Bool) throws -> Tensor<Scalar>? {
        guard let n = batch else { throw missingForward }
        try checkGradOutput(gradOutput, batch: n)
        batch = nil
        // in the forward pass this was: y = x.reshape(N, -1)
        // so now we have: dx = dy.reshape(x.shape)
        return needsInputGradient ? Tensor(uncheckedShape: [n] + inputShape, scalars: gradOutput.scalars) : nil
    }
}
