import ConvKitCore
/// The sizes of a valid pooling: input (H, W, C), output (P, Q, C), window (R, S), stride.
struct PoolGeometry {
    let height: Int, width: Int, channels: Int
    let outputHeight: Int, outputWidth: Int
    let windowHeight: Int, windowWidth: Int
    let strideHeight: Int, strideWidth: Int

    init(inputShape: [Int], outputShape: [Int], window: Size2D, stride: Size2D) {
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        (outputHeight, outputWidth) = (outputShape[0], outputShape[1])
        (windowHeight, windowWidth) = (window.height, window.width)
        (strideHeight, strideWidth) = (stride.height, stride.width)
    }
}

/// The output size of a valid (unpadded) pooling window along one axis, or an error naming the
/// layer when the window is larger than the input.
func poolOutputSize(input: Int, window: Int, stride: Int, axis: String, layer: String, inputShape: [Int]) throws -> Int {
    guard window <= input else {
        throw ConvKitError(
            layer,
            "window \(window) is larger than the input \(axis) \(input) (input \(shapeString(inputShape))): the output would be empty")
    }
    return (input - window) / stride + 1
}

/// The per-sample output shape `[P, Q, C]` of valid pooling on `[H, W, C]`.
func poolOutputShape(inputShape: [Int], window: Size2D, stride: Size2D, layer: String) throws -> [Int] {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
        throw ConvKitError(layer, "input must be an image [H, W, C], got \(shapeString(inputShape))")
    }
    try window.validatePositive("window", function: layer)
    try stride.validatePositive("stride", function: layer)
    let p = try poolOutputSize(
        input: inputShape[0], window: window.height, stride: stride.height, axis: "height", layer: layer,
        inputShape: inputShape)
    let q = try poolOutputSize(
        input: inputShape[1], window: window.width, stride: stride.width, axis: "width", layer: layer,
        inputShape: inputShape)
    return [p, q, inputShape[2]]
}
