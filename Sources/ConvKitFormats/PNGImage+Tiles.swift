import ConvKitCore
extension PNGImage {
    /// How ``grid(_:columns:scale:spacing:normalization:background:)`` maps values to gray levels.
    public enum TileNormalization: Sendable, Equatable {
        /// Each tile's own minimum is black and maximum white (filters of different magnitude stay visible).
        case perTile
        /// One minimum and maximum over all tiles, so tiles compare with each other.
        case shared
        /// A fixed range: `lowerBound` is black, `upperBound` white, values outside are clipped.
        case fixed(ClosedRange<Double>)
    }

    /// A gray image of a 2-D tensor `[height, width]` (or `[height, width, 1]`), each value
    /// drawn as a `scale`×`scale` block of pixels.
    ///
    /// Values map linearly from `range` (default: the tensor's own minimum...maximum) to
    /// 0...255; NaN draws black. A constant tensor without a range draws black, as matplotlib's
    /// `imshow` does.
    ///
    /// - Throws: ``ConvKitError`` for another rank, an empty tensor, `scale` outside 1...256,
    ///   an empty or non-finite `range`, or an image larger than ``maximumByteCount``.
    public init<T: ConvKitFloat>(grayscale values: Tensor<T>, scale: Int = 1, range: ClosedRange<Double>? = nil) throws {
        let function = "PNGImage.init(grayscale:)"
        guard values.rank == 2 || (values.rank == 3 && values.shape[2] == 1) else {
            throw ConvKitError(function, "values has shape \(shapeString(values.shape)), expected [height, width] or [height, width, 1]")
        }
        let tiles = Tensor(uncheckedShape: [1, values.shape[0], values.shape[1]], scalars: values.scalars)
        let normalization: TileNormalization = range.map { .fixed($0) } ?? .perTile
        self = try Self.grid(tiles, columns: 1, scale: scale, spacing: 0, normalization: normalization, function: function)
    }

    /// A grid of gray tiles, for filters and feature maps: `tiles` is `[count, height, width]`
    /// (or `[count, height, width, 1]`), laid out row by row in `columns` columns (default
    /// ⌈√count⌉), each value a `scale`×`scale` block, tiles separated by `spacing` pixels of
    /// `background` gray.
    ///
    /// ```swift
    /// // The 16 filters of a 3×3 convolution on 1 channel, weight [3, 3, 1, 16] (NHWC):
    /// let filters = try weight.reshaped([9, 16]).transposed([1, 0]).reshaped([16, 3, 3])
    /// try PNGImage.grid(filters, scale: 12).write(to: URL(fileURLWithPath: "filters.png"))
    /// ```
    ///
    /// - Throws: ``ConvKitError`` for another rank, no tiles, an empty tile, `columns` below 1,
    ///   `scale` outside 1...256, `spacing` outside 0...256, an empty or non-finite fixed
    ///   range, or an image larger than ``maximumByteCount``.
    public static func grid<T: ConvKitFloat>(
        _ tiles: Tensor<T>, columns: Int? = nil, scale: Int = 1, spacing: Int = 1,
        normalization: TileNormalization = .perTile, background: UInt8 = 255
    ) throws -> PNGImage {
        try grid(
            tiles, columns: columns, scale: scale, spacing: spacing, normalization: normalization,
            background: background, function: "PNGImage.grid")
    }

    private static func grid<T: ConvKitFloat>(
        _ tiles: Tensor<T>, columns: Int?, scale: Int, spacing: Int, normalization: TileNormalization,
        background: UInt8 = 255, function: String
    ) throws -> PNGImage {
        let shape = tiles.shape
        guard shape.count == 3 || (shape.count == 4 && shape[3] == 1) else {
            throw ConvKitError(
                function, "tiles has shape \(shapeString(shape)), expected [count, height, width] or [count, height, width, 1]")
        }
        let (count, tileHeight, tileWidth) = (shape[0], shape[1], shape[2])
        guard count >= 1, tileHeight >= 1, tileWidth >= 1 else {
            throw ConvKitError(function, "tiles has shape \(shapeString(shape)): there is nothing to draw")
        }
        guard (1...256).contains(scale) else {
            throw ConvKitError(function, "scale \(scale) must be in 1...256")
        }
        guard (0...256).contains(spacing) else {
            throw ConvKitError(function, "spacing \(spacing) must be in 0...256")
        }
        if case .fixed(let range) = normalization,
           !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
            throw ConvKitError(function, "range \(range) must be finite with lowerBound < upperBound")
        }
        let columnCount = columns ?? Int(Double(count).squareRoot().rounded(.up))
        guard columnCount >= 1 else {
            throw ConvKitError(function, "columns \(columnCount) must be at least 1")
        }
        let gridColumns = min(columnCount, count)
        let gridRows = (count + gridColumns - 1) / gridColumns
        // Check the size before multiplying anything that could overflow.
        let cellWidth = tileWidth.multipliedReportingOverflow(by: scale)
        let cellHeight = tileHeight.multipliedReportingOverflow(by: scale)
        let width = (cellWidth.partialValue + spacing).multipliedReportingOverflow(by: gridColumns)
        let height = (cellHeight.partialValue + spacing).multipliedReportingOverflow(by: gridRows)
        guard !cellWidth.overflow, !cellHeight.overflow, !width.overflow, !height.overflow else {
            throw ConvKitError(function, "a grid of \(count) tiles of \(tileHeight)×\(tileWidth) at scale \(scale) is too large")
        }
        let imageWidth = width.partialValue - spacing, imageHeight = height.partialValue - spacing
        _ = try byteCount(width: imageWidth, height: imageHeight, channels: 1, function: function)

        let values = tiles.scalars.map { Double($0) }
        let tileSize = tileHeight * tileWidth
        func bounds(_ slice: ArraySlice<Double>) -> (Double, Double) {
            let finite = slice.filter(\.isFinite)
            return (finite.min() ?? 0, finite.max() ?? 0)
        }
        let shared = bounds(values[...])
        var pixels = [UInt8](repeating: background, count: imageWidth * imageHeight)
        for tile in 0..<count {
            let slice = values[tile * tileSize ..< (tile + 1) * tileSize]
            let (low, high): (Double, Double)
            switch normalization {
            case .perTile: (low, high) = bounds(slice)
            case .shared: (low, high) = shared
            case .fixed(let range): (low, high) = (range.lowerBound, range.upperBound)
            }
            let originX = (tile % gridColumns) * (cellWidth.partialValue + spacing)
            let originY = (tile / gridColumns) * (cellHeight.partialValue + spacing)
            for y in 0..<tileHeight {
                for x in 0..<tileWidth {
                    let level = grayLevel(slice[slice.startIndex + y * tileWidth + x], low: low, high: high)
                    for dy in 0..<scale {
                        let row = (originY + y * scale + dy) * imageWidth + originX + x * scale
                        for dx in 0..<scale { pixels[row + dx] = level }
                    }
                }
            }
        }
        return PNGImage(uncheckedWidth: imageWidth, height: imageHeight, channels: 1, pixels: pixels)
    }

    /// `value` mapped from `low...high` to 0...255, clipped; NaN and an empty range give 0.
    static func grayLevel(_ value: Double, low: Double, high: Double) -> UInt8 {
        guard !value.isNaN, high > low else { return 0 }
        let t = min(1, max(0, (value - low) / (high - low)))
        return UInt8((t * 255).rounded())
    }

    /// Images placed left to right, top-aligned, `spacing` pixels apart on a `background`
    /// gray, with an optional caption centred under each (the course's picture of `x` next to
    /// the zero-padded `x_pad`).
    ///
    /// ```swift
    /// let range = -2.0...2.0
    /// let picture = try PNGImage.sideBySide(
    ///     [PNGImage(grayscale: x, scale: 32, range: range), PNGImage(grayscale: xPad, scale: 32, range: range)],
    ///     captions: ["x", "x_pad"])
    /// ```
    ///
    /// The result is gray when every image is gray (with or without alpha), RGB otherwise;
    /// alpha is composited over the background.
    ///
    /// - Throws: ``ConvKitError`` for no images, a caption count other than 0 or one per
    ///   image, `spacing` outside 0...1024, or a result larger than ``maximumByteCount``.
    public static func sideBySide(
        _ images: [PNGImage], spacing: Int = 16, captions: [String] = [], background: UInt8 = 255
    ) throws -> PNGImage {
        let function = "PNGImage.sideBySide"
        guard !images.isEmpty else {
            throw ConvKitError(function, "images is empty; expected at least one image")
        }
        guard captions.isEmpty || captions.count == images.count else {
            throw ConvKitError(function, "\(captions.count) captions for \(images.count) images; expected none or one per image")
        }
        guard (0...1024).contains(spacing) else {
            throw ConvKitError(function, "spacing \(spacing) must be in 0...1024")
        }
        let captionScale = 2
        let captionHeight = captions.isEmpty ? 0 : BitmapFont.cellHeight * captionScale + 12
        let captionWidths = captions.map { RasterCanvas.textSize($0, scale: captionScale).width }
        // Each column is as wide as its image or its caption, whichever is wider.
        let columnWidths = images.indices.map { max(images[$0].width, captions.isEmpty ? 0 : captionWidths[$0]) }
        let margin = captions.isEmpty ? 0 : spacing
        var totalWidth = 2 * margin + spacing * (images.count - 1)
        for width in columnWidths {
            let (sum, overflow) = totalWidth.addingReportingOverflow(width)
            guard !overflow else { throw ConvKitError(function, "the images are too wide to place side by side") }
            totalWidth = sum
        }
        let tallest = images.map(\.height).max() ?? 1
        let totalHeight = margin + tallest + captionHeight + margin
        _ = try byteCount(width: totalWidth, height: totalHeight, channels: 3, function: function)

        var canvas = RasterCanvas(width: totalWidth, height: totalHeight, background: ChartColor(gray: background))
        var x = margin
        for (index, image) in images.enumerated() {
            let imageX = x + (columnWidths[index] - image.width) / 2
            canvas.draw(image, x: imageX, y: margin)
            if !captions.isEmpty {
                let textX = x + (columnWidths[index] - captionWidths[index]) / 2
                let textY = margin + tallest + 10
                canvas.text(captions[index], x: textX, y: textY, scale: captionScale, color: ChartColor(gray: 40))
            }
            x += columnWidths[index] + spacing
        }
        return canvas.image(gray: images.allSatisfy { $0.channels <= 2 })
    }
}
