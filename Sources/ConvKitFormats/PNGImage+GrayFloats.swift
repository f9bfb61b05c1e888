import ConvKitCore
extension PNGImage {
    /// The image as a model input: gray values in 0...1, resized to `width`×`height`, shape
    /// `[1, height, width, 1]` (NHWC, a batch of one).
    ///
    /// Colour is converted with the luma weights 0.299 R + 0.587 G + 0.114 B (what Pillow's
    /// `convert("L")` uses); transparent pixels are composited over white, as viewers show
    /// them on a white page. Shrinking averages the covered source area (like OpenCV's
    /// `INTER_AREA`), so thin strokes survive; enlarging is bilinear with pixel centres at
    /// half-integers (like `align_corners=False`).
    ///
    /// - Parameter invert: return `1 − value`, e.g. to turn dark ink on white paper into
    ///   MNIST's white digits on black.
    /// - Throws: ``ConvKitError`` when `width` or `height` is below 1 or their product
    ///   exceeds ``maximumByteCount``.
    public func toGrayFloats(width outWidth: Int, height outHeight: Int, invert: Bool = false) throws -> Tensor<Float> {
        _ = try Self.byteCount(width: outWidth, height: outHeight, channels: 1, function: "PNGImage.toGrayFloats")
        let horizontal = Self.resamplingWeights(from: width, to: outWidth)
        let vertical = Self.resamplingWeights(from: height, to: outHeight)
        // Separable: resize each row as it is converted to gray (one row of gray values is
        // held, not the whole image), then the columns.
        var gray = [Float](repeating: 0, count: width)
        var rows = [Float](repeating: 0, count: height * outWidth)
        for y in 0..<height {
            for column in 0..<width {
                let p = (y * width + column) * channels
                let value: Float
                let alpha: Float
                switch channels {
                case 1: value = Float(pixels[p]); alpha = 255
                case 2: value = Float(pixels[p]); alpha = Float(pixels[p + 1])
                default:
                    value = 0.299 * Float(pixels[p]) + 0.587 * Float(pixels[p + 1]) + 0.114 * Float(pixels[p + 2])
                    alpha = channels == 4 ? Float(pixels[p + 3]) : 255
                }
                let composited = (value * alpha + 255 * (255 - alpha)) / (255 * 255)
                gray[column] = invert ? 1 - composited : composited
            }
            for (x, taps) in horizontal.enumerated() {
                var sum: Float = 0
                for tap in taps { sum += tap.weight * gray[tap.index] }
                rows[y * outWidth + x] = sum
            }
        }
        var output = [Float](repeating: 0, count: outHeight * outWidth)
        for (y, taps) in vertical.enumerated() {
            for x in 0..<outWidth {
                var sum: Float = 0
                for tap in taps { sum += tap.weight * rows[tap.index * outWidth + x] }
                output[y * outWidth + x] = min(1, max(0, sum))
            }
        }
        return Tensor(uncheckedShape: [1, outHeight, outWidth, 1], scalars: output)
    }

    /// One source sample's contribution to an output sample.
    struct Tap: Equatable {
        var index: Int
        var weight: Float
    }

    /// For each of `outputCount` samples, the source samples it blends and their weights
    /// (summing to 1): area coverage when shrinking, bilinear interpolation when enlarging.
    static func resamplingWeights(from inputCount: Int, to outputCount: Int) -> [[Tap]] {
        let scale = Double(inputCount) / Double(outputCount)
        return (0..<outputCount).map { output in
            if scale >= 1 {
                // The output pixel covers source interval [output·scale, (output+1)·scale).
                let start = Double(output) * scale, end = start + scale
                var taps = [Tap]()
                var index = Int(start.rounded(.down))
                while Double(index) < end && index < inputCount {
                    let overlap = min(end, Double(index + 1)) - max(start, Double(index))
                    if overlap > 1e-9 { taps.append(Tap(index: index, weight: Float(overlap / scale))) }
                    index += 1
                }
                return taps
            }
            let center = (Double(output) + 0.5) * scale - 0.5
            let clamped = min(max(center, 0), Double(inputCount - 1))
            let left = Int(clamped.rounded(.down))
            let right = min(left + 1, inputCount - 1)
            let fraction = Float(clamped - Double(left))
            if right == left || fraction == 0 { return [Tap(index: left, weight: 1)] }
            return [Tap(index: left, weight: 1 - fraction), Tap(index: right, weight: fraction)]
        }
    }
}
