import ConvKitCore
import Foundation

/// A line chart rendered to a PNG: one or more panels side by side, each with its own axes,
/// tick labels, title and legend, drawn with a built-in bitmap font.
///
/// ```swift
/// let chart = LineChart.training(loss: [2.1, 0.9, 0.5], testAccuracy: [0.71, 0.88, 0.93])
/// try chart.write(to: URL(fileURLWithPath: "training.png"))   // 960×407: loss | accuracy
/// ```
///
/// Non-finite values (a diverged loss) leave a gap in their line instead of failing.
public struct LineChart: Sendable {
    /// One line: `y[i]` plotted at `x[i]`, with a legend entry `name`.
    public struct Series: Sendable, Equatable {
        /// The legend entry.
        public var name: String
        /// The horizontal positions, as many as `y`.
        public var x: [Double]
        /// The values.
        public var y: [Double]
        /// The line colour; nil takes the next colour of ``ChartColor/palette``.
        public var color: ChartColor?

        /// A series over `1...values.count`, e.g. one value per epoch.
        public init(_ name: String, values: [Double], color: ChartColor? = nil) {
            self.init(name, x: values.indices.map { Double($0 + 1) }, y: values, color: color)
        }

        /// A series of explicit points; `x` and `y` must have equal lengths (checked when rendering).
        public init(_ name: String, x: [Double], y: [Double], color: ChartColor? = nil) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
        }
    }

    /// One set of axes.
    public struct Panel: Sendable, Equatable {
        /// Drawn above the plot area.
        public var title: String
        /// The horizontal axis label.
        public var xLabel: String
        /// The vertical axis label, drawn turned 90°.
        public var yLabel: String
        /// The lines, drawn in order.
        public var series: [Series]
        /// A fixed vertical range; nil fits the data and rounds out to tick values.
        public var yRange: ClosedRange<Double>?

        /// Creates a panel.
        public init(
            title: String, xLabel: String = "epoch", yLabel: String = "", series: [Series],
            yRange: ClosedRange<Double>? = nil
        ) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.series = series
            self.yRange = yRange
        }
    }

    /// The chart title, above all panels; empty for none.
    public var title: String
    /// The panels, left to right.
    public var panels: [Panel]
    /// The width of each panel in pixels (200...4000).
    public var panelWidth: Int
    /// The height of each panel in pixels (150...4000), not counting the title.
    public var panelHeight: Int

    /// Creates a chart.
    public init(title: String = "", panels: [Panel], panelWidth: Int = 480, panelHeight: Int = 360) {
        self.title = title
        self.panels = panels
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    /// The chart `convkit train` draws: a loss panel and, when accuracies are given, an
    /// accuracy panel; training series in blue, test series in orange.
    public static func training(
        loss: [Double], testLoss: [Double]? = nil, trainAccuracy: [Double]? = nil, testAccuracy: [Double]? = nil,
        title: String = "Training"
    ) -> LineChart {
        let train = ChartColor.palette[0], test = ChartColor.palette[1]
        var lossSeries = [Series("train loss", values: loss, color: train)]
        if let testLoss { lossSeries.append(Series("test loss", values: testLoss, color: test)) }
        var panels = [Panel(title: "Loss", yLabel: "cross-entropy", series: lossSeries)]
        var accuracy = [Series]()
        if let trainAccuracy { accuracy.append(Series("train accuracy", values: trainAccuracy, color: train)) }
        if let testAccuracy { accuracy.append(Series("test accuracy", values: testAccuracy, color: test)) }
        if !accuracy.isEmpty { panels.append(Panel(title: "Accuracy", yLabel: "accuracy", series: accuracy)) }
        return LineChart(title: title, panels: panels)
    }

    /// Draws the chart.
    ///
    /// - Throws: ``ConvKitError`` when there are no panels or more than 8, a panel size is
    ///   out of range, a series has different numbers of x and y values, or a `yRange` is
    ///   empty or not finite.
    public func render() throws -> PNGImage {
        try validate(function: "LineChart.render")
        let titleHeight = title.isEmpty ? 0 : 3 * BitmapFont.capHeight + 26
        var canvas = RasterCanvas(
            width: panelWidth * panels.count, height: titleHeight + panelHeight, background: .white)
        if !title.isEmpty {
            let size = RasterCanvas.textSize(title, scale: 3)
            canvas.text(title, x: (canvas.width - size.width) / 2, y: 16, scale: 3, color: Style.title)
        }
        var colorIndex = 0
        for (index, panel) in panels.enumerated() {
            let colors: [ChartColor] = panel.series.map { series in
                if let color = series.color { return color }
                defer { colorIndex += 1 }
                return ChartColor.palette[colorIndex % ChartColor.palette.count]
            }
            draw(panel, colors: colors, x: index * panelWidth, y: titleHeight, on: &canvas)
        }
        return canvas.image()
    }

    /// Renders the chart and writes it to a PNG file, atomically.
    ///
    /// - Throws: ``ConvKitError`` for an invalid chart (see ``render()``) or when the file
    ///   cannot be written.
    public func write(to url: URL) throws {
        try validate(function: "LineChart.write")
        try render().write(to: url)
    }

    // MARK: - Drawing

    private enum Style {
        static let title = ChartColor(gray: 30)
        static let text = ChartColor(gray: 60)
        static let axis = ChartColor(gray: 110)
        static let grid = ChartColor(gray: 228)
        static let plotBackground = ChartColor(red: 250, green: 250, blue: 252)
        static let legendBorder = ChartColor(gray: 200)
        static let textScale = 2
        static let lineWidth = 2.5
    }

    private func validate(function: String) throws {
        guard (1...8).contains(panels.count) else {
            throw ConvKitError(function, "the chart has \(panels.count) panels, expected 1...8")
        }
        guard (200...4000).contains(panelWidth), (150...4000).contains(panelHeight) else {
            throw ConvKitError(
                function, "panel size \(panelWidth)×\(panelHeight) is out of range (width 200...4000, height 150...4000)")
        }
        for panel in panels {
            for series in panel.series where series.x.count != series.y.count {
                throw ConvKitError(
                    function,
                    "series '\(series.name)' of panel '\(panel.title)' has \(series.x.count) x values but \(series.y.count) y values")
            }
            if let range = panel.yRange, !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
                throw ConvKitError(
                    function, "yRange \(range) of panel '\(panel.title)' must be finite with lower < upper")
            }
        }
    }

    /// A coordinate rounded to a pixel, clamped so that the conversion cannot trap.
    private static func pixel(_ value: Double) -> Int {
        value.isNaN ? 0 : Int(min(max(value, -1e7), 1e7).rounded())
    }

    /// The finite points of a series, split into runs at non-finite values.
    private static func runs(of series: Series) -> [[(Double, Double)]] {
        var runs = [[(Double, Double)]]()
        var current = [(Double, Double)]()
        for (x, y) in zip(series.x, series.y) {
            if x.isFinite && y.isFinite {
                current.append((x, y))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private func draw(_ panel: Panel, colors: [ChartColor], x originX: Int, y originY: Int, on canvas: inout RasterCanvas) {
        let scale = Style.textScale
        let textHeight = BitmapFont.capHeight * scale
        let allRuns = panel.series.map(Self.runs)
        let points = allRuns.flatMap { $0.flatMap { $0 } }

        // Axis ranges: x spans the data exactly; y rounds out to tick values.
        var xLower = points.map(\.0).min() ?? 0, xUpper = points.map(\.0).max() ?? 1
        if xLower == xUpper { xLower -= 1; xUpper += 1 }
        // A small margin keeps the first and last dots off the frame, as matplotlib does.
        let xMargin = (xUpper - xLower) * 0.03
        if xMargin.isFinite { xLower -= xMargin; xUpper += xMargin }
        let integerX = points.allSatisfy { $0.0 == $0.0.rounded() }
        let xTicks = AxisTicks(lower: xLower, upper: xUpper, target: 6, integer: integerX, extend: false)
        let yTicks: AxisTicks
        if let range = panel.yRange {
            yTicks = AxisTicks(lower: range.lowerBound, upper: range.upperBound, target: 5, integer: false, extend: false)
        } else {
            var lower = points.map(\.1).min() ?? 0, upper = points.map(\.1).max() ?? 1
            if lower == upper {
                let pad = lower == 0 ? 1 : abs(lower) * 0.1
                lower -= pad
                upper += pad
            }
            yTicks = AxisTicks(lower: lower, upper: upper, target: 5, integer: false, extend: true)
        }
        let yLabels = yTicks.labels()
        let xLabels = xTicks.labels()

        // Layout.
        let labelWidth = yLabels.map { RasterCanvas.textSize($0, scale: scale).width }.max() ?? 0
        let yLabelSpace = panel.yLabel.isEmpty ? 0 : textHeight + 12
        let left = originX + 14 + yLabelSpace + labelWidth + 10
        let right = originX + panelWidth - 24
        let top = originY + (panel.title.isEmpty ? 16 : textHeight + 28)
        let bottom = originY + panelHeight - (panel.xLabel.isEmpty ? 34 : 34 + textHeight + 10)
        guard right - left > 20, bottom - top > 20 else { return }
        let plotWidth = Double(right - left), plotHeight = Double(bottom - top)
        func px(_ x: Double) -> Double { Double(left) + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * plotWidth }
        func py(_ y: Double) -> Double { Double(bottom) - (y - yTicks.lower) / (yTicks.upper - yTicks.lower) * plotHeight }

        // Titles and axis labels.
        if !panel.title.isEmpty {
            let size = RasterCanvas.textSize(panel.title, scale: scale)
            canvas.text(panel.title, x: left + (right - left - size.width) / 2, y: originY + 14, scale: scale, color: Style.title)
        }
        if !panel.xLabel.isEmpty {
            let size = RasterCanvas.textSize(panel.xLabel, scale: scale)
            canvas.text(
                panel.xLabel, x: left + (right - left - size.width) / 2, y: bottom + 18 + textHeight,
                scale: scale, color: Style.text)
        }
        if !panel.yLabel.isEmpty {
            let size = RasterCanvas.textSize(panel.yLabel, scale: scale)
            canvas.text(
                panel.yLabel, x: originX + 14, y: top + (bottom - top - size.width) / 2, scale: scale,
                color: Style.text, vertical: true)
        }

        // Plot area, grid, ticks and tick labels.
        canvas.fill(x: left, y: top, width: right - left + 1, height: bottom - top + 1, color: Style.plotBackground)
        for (value, label) in zip(yTicks.values, yLabels) {
            let y = Self.pixel(py(value))
            canvas.fill(x: left, y: y, width: right - left + 1, height: 1, color: Style.grid)
            canvas.fill(x: left - 5, y: y, width: 5, height: 1, color: Style.axis)
            let size = RasterCanvas.textSize(label, scale: scale)
            canvas.text(label, x: left - 9 - size.width, y: y - size.height / 2, scale: scale, color: Style.text)
        }
        for (value, label) in zip(xTicks.values, xLabels) {
            let x = Self.pixel(px(value))
            canvas.fill(x: x, y: top, width: 1, height: bottom - top + 1, color: Style.grid)
            canvas.fill(x: x, y: bottom + 1, width: 1, height: 5, color: Style.axis)
            let size = RasterCanvas.textSize(label, scale: scale)
            canvas.text(label, x: x - size.width / 2, y: bottom + 10, scale: scale, color: Style.text)
        }
        canvas.fill(x: left, y: top, width: 1, height: bottom - top + 1, color: Style.axis)
        canvas.fill(x: left, y: bottom, width: right - left + 1, height: 1, color: Style.axis)

        // The lines, clipped to the plot area (a fixed yRange may cut them).
        let totalPoints = allRuns.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        let showDots = totalPoints <= 60 * max(1, panel.series.count)
        canvas.clip = (left - 4, top - 4, right + 5, bottom + 1)
        var projected = [[(Double, Double)]]()
        for (runs, color) in zip(allRuns, colors) {
            for run in runs {
                let pixels = run.map { (px($0.0), py($0.1)) }
                projected.append(pixels.filter { RasterCanvas.isDrawable($0.0) && RasterCanvas.isDrawable($0.1) })
                canvas.polyline(pixels, lineWidth: Style.lineWidth, color: color)
                if showDots {
                    for point in pixels { canvas.dot(x: point.0, y: point.1, radius: 3, color: color) }
                }
            }
        }
        canvas.clip = nil

        drawLegend(panel, colors: colors, plot: (left, top, right, bottom), avoiding: projected, on: &canvas)
    }

    /// Draws the legend in the corner of the plot area that hides the fewest line points.
    private func drawLegend(
        _ panel: Panel, colors: [ChartColor], plot: (left: Int, top: Int, right: Int, bottom: Int),
        avoiding runs: [[(Double, Double)]], on canvas: inout RasterCanvas
    ) {
        guard !panel.series.isEmpty else { return }
        let scale = Style.textScale
        let rowHeight = BitmapFont.capHeight * scale + 8
        let nameWidth = panel.series.map { RasterCanvas.textSize($0.name, scale: scale).width }.max() ?? 0
        let boxWidth = 10 + 24 + 8 + nameWidth + 10
        let boxHeight = 8 + rowHeight * panel.series.count
        let inset = 10
        let corners = [
            (plot.right - inset - boxWidth, plot.top + inset),
            (plot.left + inset, plot.top + inset),
            (plot.right - inset - boxWidth, plot.bottom - inset - boxHeight),
            (plot.left + inset, plot.bottom - inset - boxHeight),
        ]
        // Densify the lines so that a segment crossing a corner counts too.
        var samples = [(Double, Double)]()
        for points in runs {
            samples += points
            for (a, b) in zip(points, points.dropFirst()) {
                let steps = max(1, min(200, Int((abs(b.0 - a.0) + abs(b.1 - a.1)) / 4)))
                for s in 1..<steps {
                    let t = Double(s) / Double(steps)
                    samples.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
                }
            }
        }
        func hidden(_ corner: (Int, Int)) -> Int {
            samples.filter {
                $0.0 >= Double(corner.0 - 6) && $0.0 <= Double(corner.0 + boxWidth + 6)
                    && $0.1 >= Double(corner.1 - 6) && $0.1 <= Double(corner.1 + boxHeight + 6)
            }.count
        }
        var best = corners[0]
        var bestHidden = Int.max
        for corner in corners {
            let count = hidden(corner)
            if count < bestHidden {
                best = corner
                bestHidden = count
            }
        }
        let (x, y) = best
        canvas.fill(x: x, y: y, width: boxWidth, height: boxHeight, color: .white, alpha: 0.92)
        canvas.stroke(x: x, y: y, width: boxWidth, height: boxHeight, color: Style.legendBorder)
        for (row, (series, color)) in zip(panel.series, colors).enumerated() {
            let rowTop = y + 8 + row * rowHeight
            let middle = Double(rowTop) + Double(BitmapFont.capHeight * scale) / 2
            canvas.polyline([(Double(x + 10), middle), (Double(x + 34), middle)], lineWidth: Style.lineWidth, color: color)
            canvas.dot(x: Double(x + 22), y: middle, radius: 3, color: color)
            canvas.text(series.name, x: x + 42, y: rowTop, scale: scale, color: Style.text)
        }
    }
}

/// Evenly spaced "nice" tick values (1, 2, 2.5 or 5 times a power of ten) for one axis.
struct AxisTicks: Equatable {
    /// The axis range (rounded out to ticks when `extend`).
    var lower: Double
    var upper: Double
    var step: Double
    var values: [Double]

    init(lower: Double, upper: Double, target: Int, integer: Bool, extend: Bool) {
        // Keep every later quantity finite: clamp the range and give it a positive span.
        let limit = 1e300
        let lower = lower.isNaN ? 0 : min(max(lower, -limit), limit)
        var upper = upper.isNaN ? 1 : min(max(upper, -limit), limit)
        if !(upper > lower) { upper = lower + max(1, abs(lower) * 0.1) }
        let span = upper - lower
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = magnitude * ([1, 2, 2.5, 5, 10].first { $0 * magnitude >= raw * (1 - 1e-9) } ?? 10)
        if integer {
            // Whole-number axes (epochs) tick at 1, 2, 5, 10, 20, …
            step = max(1, step)
            if step.rounded() != step { step = (step * 2).rounded() }
        }
        if !step.isFinite || step <= 0 { step = span > 0 ? span : 1 }
        let first = (lower / step).rounded(extend ? .down : .up) * step
        let last = (upper / step).rounded(extend ? .up : .down) * step
        self.lower = extend ? first : lower
        self.upper = extend ? last : upper
        self.step = step
        let intervals = ((last - first) / step).rounded()
        let count = intervals.isFinite ? Int(min(max(intervals, 0), 49)) + 1 : 1
        values = (0..<count).map { first + Double($0) * step }
        // Exact zeros print as "0", not "-0" or "1e-17".
        values = values.map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// The tick labels, with as many decimals as the step needs.
    func labels() -> [String] {
        let largest = values.map(abs).max() ?? 0
        var decimals = 0
        while decimals < 6 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { break }
            decimals += 1
        }
        if largest >= 1e7 || (decimals >= 6 && largest > 0) {
            return values.map { String(format: "%.3g", $0) }
        }
        return values.map { String(format: "%.\(decimals)f", $0) }
    }
}
