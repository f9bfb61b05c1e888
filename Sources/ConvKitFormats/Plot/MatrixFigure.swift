import ConvKitCore
import Foundation

/// Heat maps side by side in the look of the course's `imshow` figures: a title over each
/// panel, row and column indices, cells coloured by a colour map (viridis unless given) with
/// the value printed in each cell when the array is at most 12 × 12, outlined cells (a window,
/// a maximum), and one colour bar for the shared scale.
///
/// ```swift
/// var figure = MatrixFigure(title: "zero_pad(x, 3)")
/// figure.panels = [.init(title: "x[1, :, :, 0]", values: x), .init(title: "x_pad[1, :, :, 0]", values: xPad)]
/// try figure.render().write(to: url)
/// ```
public struct MatrixFigure: Sendable {
    /// One heat map: rows of values (all rows equally long).
    public struct Panel: Sendable {
        /// The caption above the panel.
        public var title: String
        /// The values, row by row.
        public var values: [[Double]]
        /// Rectangles drawn over cells.
        public var outlines: [Outline]
        /// The colour scale's ends when they are not the values' (frames of an animation keep
        /// one scale while their cells fill in); NaN cells are drawn empty.
        public var scale: ClosedRange<Double>?

        /// A panel of `values` (row by row) titled `title`.
        public init(title: String, values: [[Double]], outlines: [Outline] = [], scale: ClosedRange<Double>? = nil) {
            self.title = title
            self.values = values
            self.outlines = outlines
            self.scale = scale
        }

        /// A panel of a 2-d tensor `[rows, columns]`.
        public init(title: String, matrix: Tensor<Double>, outlines: [Outline] = []) {
            let columns = matrix.rank == 2 ? matrix.shape[1] : max(1, matrix.count)
            let values = stride(from: 0, to: matrix.count, by: columns).map { Array(matrix.scalars[$0..<min($0 + columns, matrix.count)]) }
            self.init(title: title, values: values, outlines: outlines)
        }
    }

    /// Channel `channel` of image `image` of a channels-last tensor `(…, H, W, C)`, row by row.
    package static func plane<T: ConvKitFloat>(_ t: Tensor<T>, image: Int = 0, channel: Int) -> [[Double]] {
        let (h, w, c) = (t.shape[t.rank - 3], t.shape[t.rank - 2], t.shape[t.rank - 1])
        let base = image * h * w * c
        return (0..<h).map { row in (0..<w).map { column in Double(t.scalars[base + (row * w + column) * c + channel]) } }
    }

    /// A rectangle of cells, `rows × columns` from (`row`, `column`), outlined in `color`.
    public struct Outline: Sendable {
        public var row: Int
        public var column: Int
        public var rows: Int
        public var columns: Int
        public var color: ChartColor

        /// An outline of `rows × columns` cells from (`row`, `column`).
        public init(row: Int, column: Int, rows: Int = 1, columns: Int = 1, color: ChartColor = .red) {
            (self.row, self.column, self.rows, self.columns, self.color) = (row, column, rows, columns, color)
        }
    }

    /// The caption of the whole figure (above the panels), if any.
    public var title: String?
    /// A line under the panels (e.g. the sum a step computes), if any.
    public var caption: String?
    /// The panels, left to right.
    public var panels: [Panel] = []
    /// The colour map of every panel.
    public var colorMap: ColorMap = .viridis
    /// One colour scale and bar for all panels (true), or a scale and bar per panel.
    public var sharedScale = true
    /// Panels per row; `nil` puts them all in one row.
    public var panelsPerRow: Int?

    /// An empty figure titled `title`.
    public init(title: String? = nil, caption: String? = nil, panels: [Panel] = []) {
        self.title = title
        self.caption = caption
        self.panels = panels
    }

    /// Arrays this small get their values printed in the cells.
    public static let largestLabelledSide = 12

    /// The lowest and highest finite value of all panels (the shared colour bar's ends).
    public var range: (low: Double, high: Double) { Self.range(of: panels) }

    /// The colour scale of `panel`: the one it sets, its own range, or the figure's.
    func range(of panel: Panel) -> (low: Double, high: Double) {
        if let scale = panel.scale { return (scale.lowerBound, scale.upperBound) }
        return sharedScale ? range : Self.range(of: [panel])
    }

    private static func range(of panels: [Panel]) -> (low: Double, high: Double) {
        let finite = panels.flatMap { $0.values.joined() }.filter(\.isFinite)
        return (finite.min() ?? 0, finite.max() ?? 0)
    }

    /// The side of one cell, in pixels: room for a printed value in small arrays.
    var cellSize: Int {
        let side = panels.map { max($0.values.count, $0.values.first?.count ?? 0) }.max() ?? 1
        return side <= Self.largestLabelledSide ? 44 : max(4, 400 / max(side, 1))
    }

    /// The figure as an RGB image.
    public func render() -> PNGImage {
        let layout = Layout(self)
        var canvas = RasterCanvas(width: layout.width, height: layout.height, background: .white)
        if let title { canvas.text(title, x: Layout.margin, y: Layout.margin, scale: 2, color: ChartColor.black) }
        for (index, panel) in panels.enumerated() {
            let (x, top) = layout.origins[index]
            drawPanel(panel, into: &canvas, x: x, top: top, cell: layout.cell)
            if !sharedScale {
                let barX = x + Layout.indexWidth + layout.columnWidths[index % layout.perRow] + 12
                drawColorBar(&canvas, x: barX, top: top, height: max(panel.values.count * layout.cell, 2), range: range(of: panel))
            }
        }
        let firstTop = layout.origins.first?.top ?? layout.bottom
        if sharedScale { drawColorBar(&canvas, x: layout.sharedBarX, top: firstTop, height: max(layout.bottom - firstTop, 2), range: range) }
        if let caption {
            canvas.text(caption, x: Layout.margin, y: layout.bottom + Layout.margin, scale: 2, color: ChartColor.black)
        }
        return canvas.image()
    }

    /// Where everything goes, in pixels: panels in rows of `panelsPerRow`, each column as wide
    /// as its widest panel, each row as tall as its tallest.
    struct Layout {
        static let margin = 16, gap = 40, indexWidth = 28, indexHeight = 16, titleHeight = 26, barWidth = 16, barLabels = 64
        let cell: Int
        let perRow: Int
        let columnWidths: [Int]
        /// The left edge (of the row indices) and the top of the cells of each panel.
        let origins: [(x: Int, top: Int)]
        /// The bottom of the last row of cells.
        let bottom: Int
        let sharedBarX: Int
        let width: Int
        let height: Int

        init(_ figure: MatrixFigure) {
            cell = figure.cellSize
            let perRow = max(1, min(figure.panelsPerRow ?? figure.panels.count, figure.panels.count))
            self.perRow = perRow
            var widths = Array(repeating: 0, count: perRow)
            var heights: [Int] = []
            for (index, panel) in figure.panels.enumerated() {
                let columns = panel.values.first?.count ?? 0
                let titleWidth = RasterCanvas.textSize(panel.title, scale: 1).width - Self.indexWidth
                widths[index % perRow] = max(widths[index % perRow], columns * cell, titleWidth)
                if index % perRow == 0 { heights.append(0) }
                heights[heights.count - 1] = max(heights[heights.count - 1], panel.values.count * cell)
            }
            columnWidths = widths
            let ownBar = figure.sharedScale ? 0 : Self.barWidth + Self.barLabels
            let slotWidths = widths.map { Self.indexWidth + $0 + Self.gap + ownBar }
            let titleRoom = figure.title == nil ? 0 : 30
            let labels = Self.titleHeight + Self.indexHeight
            var rowTops = [Self.margin + titleRoom + labels]
            for height in heights.dropLast() { rowTops.append(rowTops[rowTops.count - 1] + height + Self.margin + labels) }
            origins = figure.panels.indices.map { index in
                (Self.margin + slotWidths[..<(index % perRow)].reduce(0, +), rowTops[index / perRow])
            }
            bottom = rowTops[rowTops.count - 1] + (heights.last ?? 0)
            sharedBarX = Self.margin + slotWidths.reduce(0, +)
            var total = sharedBarX + (figure.sharedScale ? Self.barWidth + Self.barLabels : 0) + Self.margin
            for text in [figure.title, figure.caption].compactMap({ $0 }) {
                total = max(total, 2 * Self.margin + RasterCanvas.textSize(text, scale: 2).width)
            }
            width = total
            height = bottom + Self.margin + (figure.caption == nil ? 0 : 30)
        }
    }

    /// One panel with its left edge (of the row indices) at `x` and its cells from `top`.
    private func drawPanel(_ panel: Panel, into canvas: inout RasterCanvas, x: Int, top: Int, cell: Int) {
        let (low, high) = range(of: panel)
        let left = x + Layout.indexWidth
        let rows = panel.values.count, columns = panel.values.first?.count ?? 0
        canvas.text(panel.title, x: x, y: top - Layout.indexHeight - Layout.titleHeight + 6, scale: 1, color: ChartColor.black)
        // Column indices above, row indices at the left, as imshow's ticks (every one, or every few).
        let every = (14 + cell - 1) / cell
        for column in stride(from: 0, to: columns, by: every) {
            let label = "\(column)"
            let labelWidth = RasterCanvas.textSize(label, scale: 1).width
            canvas.text(label, x: left + column * cell + (cell - labelWidth) / 2, y: top - Layout.indexHeight + 2, scale: 1, color: ChartColor.gray)
        }
        for row in stride(from: 0, to: rows, by: every) {
            let label = "\(row)"
            let labelWidth = RasterCanvas.textSize(label, scale: 1).width
            canvas.text(label, x: left - labelWidth - 6, y: top + row * cell + (cell - 7) / 2, scale: 1, color: ChartColor.gray)
        }
        for (row, values) in panel.values.enumerated() {
            for (column, value) in values.enumerated() {
                let (cellX, cellY) = (left + column * cell, top + row * cell)
                guard !value.isNaN else {
                    canvas.stroke(x: cellX, y: cellY, width: cell, height: cell, color: ChartColor(gray: 220))
                    continue
                }
                let color = colorMap.color(value, low: low, high: high)
                canvas.fill(x: cellX, y: cellY, width: cell, height: cell, color: color)
                guard cell >= 44 else { continue }
                let label = Self.label(value)
                let labelWidth = RasterCanvas.textSize(label, scale: 1).width
                let ink = color.luminance < 128 ? ChartColor.white : ChartColor.black
                canvas.text(label, x: cellX + (cell - labelWidth) / 2, y: cellY + (cell - 7) / 2, scale: 1, color: ink)
            }
        }
        for outline in panel.outlines {
            for inset in 0..<3 {
                let (outlineX, outlineY) = (left + outline.column * cell + inset, top + outline.row * cell + inset)
                let (outlineWidth, outlineHeight) = (outline.columns * cell - 2 * inset, outline.rows * cell - 2 * inset)
                canvas.stroke(x: outlineX, y: outlineY, width: outlineWidth, height: outlineHeight, color: outline.color)
            }
        }
    }

    /// The bar from the lowest colour (bottom) to the highest (top), labelled at both ends and the middle.
    private func drawColorBar(_ canvas: inout RasterCanvas, x: Int, top: Int, height: Int, range: (low: Double, high: Double)) {
        let (low, high) = range
        let width = Layout.barWidth
        for y in 0..<height {
            // The whole map, bottom to top, whatever the values (a constant array still shows its scale).
            let t = Double(height - 1 - y) / Double(max(height - 1, 1))
            canvas.fill(x: x, y: top + y, width: width, height: 1, color: colorMap.color(t, low: 0, high: 1))
        }
        canvas.stroke(x: x - 1, y: top - 1, width: width + 2, height: height + 2, color: ChartColor.gray)
        for (fraction, value) in [(0.0, high), (0.5, (low + high) / 2), (1.0, low)] {
            let y = top + Int(fraction * Double(height - 1))
            canvas.fill(x: x + width, y: y, width: 4, height: 1, color: ChartColor.gray)
            canvas.text(Self.label(value), x: x + width + 7, y: min(max(y - 3, top), top + height - 7), scale: 1, color: ChartColor.black)
        }
    }

    /// A value as a cell shows it: two decimals, `-0.00` written `0.00`.
    static func label(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let text = String(format: "%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }
}

extension ChartColor {
    /// Red, for outlines.
    public static let red = ChartColor(red: 228, green: 26, blue: 28)
    /// A mid gray, for ticks and index labels.
    public static let gray = ChartColor(gray: 110)

    /// The perceived brightness, 0 (black) ... 255 (white) (ITU-R BT.601 weights).
    var luminance: Double { 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue) }
}
