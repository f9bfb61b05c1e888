import ConvKitCore
import ConvKitFormats

extension Sequential {
    /// Tiles per row in the filter and feature-map figures.
    static var figureTilesPerRow: Int { 8 }

    /// The first convolution's filters in the look of `imshow`: one tile per output channel `k`
    /// (and input channel `c` when there are several), titled with the layer's index and the
    /// channels, one viridis scale and colour bar for the layer; `nil` without a convolution.
    public func filterFigure() -> MatrixFigure? {
        guard let (index, conv) = layers.enumerated().lazy.compactMap({ i, layer in (layer as? Conv2D<Scalar>).map { (i, $0) } }).first
        else { return nil }
        let w = conv.weight  // (R, S, C, K): plane c · K + k of (R, S, C · K) is filter k's input channel c
        let (c, k) = (w.shape[2], w.shape[3])
        guard let planes = try? w.reshaped([w.shape[0], w.shape[1], c * k]) else { return nil }
        var panels: [MatrixFigure.Panel] = []
        for output in 0..<k {
            for input in 0..<c {
                let title = c == 1 ? "layer \(index) k \(output)" : "layer \(index) k \(output) c \(input)"
                panels.append(.init(title: title, values: MatrixFigure.plane(planes, channel: input * k + output)))
            }
        }
        var figure = MatrixFigure(title: "layer \(index) (\(conv.spec)): filters W[:, :, c, k]", panels: panels)
        figure.panelsPerRow = c == 1 ? min(k, Self.figureTilesPerRow) : c
        return figure
    }

    /// What each convolution computes for one sample `image` (``inputShape``, NHWC): a figure
    /// per conv layer, its index with it, one tile per output channel titled with the layer's
    /// index and the channel, one viridis scale and colour bar per layer. The model runs in
    /// evaluation mode.
    ///
    /// - Throws: ``ConvKitError`` if `image` is not one sample of the model's input shape.
    public func featureMapFigures(for image: Tensor<Scalar>) throws -> [(layer: Int, figure: MatrixFigure)] {
        guard image.shape == inputShape, inputShape.count == 3 else {
            throw ConvKitError(
                "Sequential.featureMapFigures", "image has shape \(shapeString(image.shape)); the model takes one [H, W, C] sample of \(shapeString(inputShape))")
        }
        var x = try image.reshaped([1] + inputShape)
        var figures: [(layer: Int, figure: MatrixFigure)] = []
        for (index, layer) in layers.enumerated() {
            var current = layer
            x = try current.forward(x, training: false)
            guard layer is Conv2D<Scalar> else { continue }
            let k = x.shape[3]
            let panels = (0..<k).map { MatrixFigure.Panel(title: "layer \(index) ch \($0)", values: MatrixFigure.plane(x, channel: $0)) }
            var figure = MatrixFigure(title: "layer \(index) (\(layer.spec)): feature maps", panels: panels)
            figure.panelsPerRow = min(k, Self.figureTilesPerRow)
            figures.append((index, figure))
        }
        return figures
    }
}
