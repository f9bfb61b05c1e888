import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// LineChart, its tick placement, the bitmap font and the raster canvas.
@Suite struct FormatChartTests {
    static let loss = [2.05, 0.92, 0.51, 0.36, 0.29, 0.24, 0.22, 0.19, 0.18, 0.16]
    static let testAccuracy = [0.71, 0.83, 0.88, 0.90, 0.91, 0.915, 0.92, 0.918, 0.922, 0.925]

    /// How many pixels of `image` (RGB) have exactly `color`.
    static func count(_ color: ChartColor, in image: PNGImage) -> Int {
        stride(from: 0, to: image.pixels.count, by: 3).filter {
            image.pixels[$0] == color.red && image.pixels[$0 + 1] == color.green && image.pixels[$0 + 2] == color.blue
        }.count
    }

    @Test func rendersTheTrainingChart() throws {
        let chart = LineChart.training(
            loss: Self.loss, testLoss: Self.loss.map { $0 * 1.2 + 0.1 },
            trainAccuracy: Self.testAccuracy.map { min(1, $0 + 0.03) }, testAccuracy: Self.testAccuracy,
            title: "digits: 10 epochs, batch 64")
        #expect(chart.panels.map(\.title) == ["Loss", "Accuracy"])
        #expect(chart.panels.map { $0.series.map(\.name) } == [["train loss", "test loss"], ["train accuracy", "test accuracy"]])
        let image = try chart.render()
        #expect(image.width == 960 && image.height == 360 + 3 * 7 + 26 && image.channels == 3)
        // Both series colours are drawn, fully opaque somewhere (line cores and dots).
        #expect(Self.count(ChartColor.palette[0], in: image) > 200)
        #expect(Self.count(ChartColor.palette[1], in: image) > 200)
        // The title's dark ink sits in the top band.
        let titleInk = (0..<47).contains { y in (0..<960).contains { x in image.pixels[(y * 960 + x) * 3] == 30 } }
        #expect(titleInk)
        if let path = ProcessInfo.processInfo.environment["CONVKIT_CHART_PREVIEW"] {
            try image.write(to: URL(fileURLWithPath: path))
        }
        // Only a loss: one panel; a file round trip.
        let url = FormatTestSupport.temporaryURL(".png")
        defer { try? FileManager.default.removeItem(at: url) }
        try LineChart.training(loss: Self.loss).write(to: url)
        let read = try PNGImage.read(contentsOf: url)
        #expect(read.width == 480 && read.channels == 3)
    }

    @Test func placesTheLegendWhereTheLinesAreNot() throws {
        // The legend's top-left corner, found by its border colour (gray 200, only used there).
        func legendCorner(_ values: [Double]) throws -> (x: Int, y: Int)? {
            let image = try LineChart(panels: [.init(title: "", series: [.init("s", values: values)])]).render()
            for y in 0..<image.height {
                for x in 0..<image.width where image.pixels[(y * image.width + x) * 3] == 200 && image.pixels[(y * image.width + x) * 3 + 2] == 200 {
                    return (x, y)
                }
            }
            return nil
        }
        // Preference: top right, top left, bottom right, bottom left; the first corner the line misses wins.
        let falling = try #require(try legendCorner([5, 4, 3, 2, 1]))
        #expect(falling.x > 240 && falling.y < 60)      // top right
        let rising = try #require(try legendCorner([1, 2, 3, 4, 5]))
        #expect(rising.x < 240 && rising.y < 60)        // top left
        let valley = try #require(try legendCorner([5, 1, 1, 1, 5]))
        #expect(valley.y > 200)                          // a bottom corner
    }

    @Test func survivesAwkwardData() throws {
        let awkward: [[Double]] = [
            [], [1], [3, 3, 3], [.nan, 1, .infinity, 2, -.infinity], [1e300, -1e300], [Double.leastNonzeroMagnitude, 2 * Double.leastNonzeroMagnitude], [0, 1e-12],
            [-5, -4], Array(repeating: 0.5, count: 500), (0..<2000).map { sin(Double($0) / 50) },
        ]
        for values in awkward {
            let chart = LineChart(title: "t", panels: [.init(title: "p", yLabel: "y", series: [.init("v", values: values)])])
            let image = try chart.render()
            #expect(image.width == 480, "\(values.prefix(3))")
        }
        let fixed = LineChart(panels: [.init(title: "fixed", series: [.init("a", values: [0.2, 5, -3])], yRange: 0...1)])
        #expect(try fixed.render().height == 360)
        let explicit = LineChart(panels: [.init(title: "xy", xLabel: "step", series: [.init("a", x: [0.5, 0.25, 10], y: [1, 2, 3], color: .black)])])
        #expect(Self.count(.black, in: try explicit.render()) > 20)
    }

    @Test func validatesTheChart() throws {
        let series = LineChart.Series("a", values: [1, 2])
        #expect(FormatTestSupport.message { try LineChart(panels: []).render() } == "LineChart.render: the chart has 0 panels, expected 1...8")
        #expect(FormatTestSupport.message { try LineChart(panels: [.init(title: "p", series: [series])], panelWidth: 100).render() }
            == "LineChart.render: panel size 100×360 is out of range (width 200...4000, height 150...4000)")
        #expect(FormatTestSupport.message { try LineChart(panels: [.init(title: "p", series: [.init("b", x: [1], y: [1, 2])])]).render() }
            == "LineChart.render: series 'b' of panel 'p' has 1 x values but 2 y values")
        #expect(FormatTestSupport.message { try LineChart(panels: [.init(title: "p", series: [series], yRange: 1...1)]).render() }
            == "LineChart.render: yRange 1.0...1.0 of panel 'p' must be finite with lower < upper")
        #expect(FormatTestSupport.message { try LineChart(panels: []).write(to: FormatTestSupport.temporaryURL(".png")) }
            == "LineChart.write: the chart has 0 panels, expected 1...8")
    }

    @Test func choosesNiceTicks() {
        let loss = AxisTicks(lower: 0.16, upper: 2.05, target: 5, integer: false, extend: true)
        #expect(loss.values == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(loss.labels() == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        let accuracy = AxisTicks(lower: 0.85, upper: 0.99, target: 5, integer: false, extend: true)
        #expect(accuracy.labels() == ["0.85", "0.90", "0.95", "1.00"])
        let epochs = AxisTicks(lower: 0.7, upper: 10.3, target: 6, integer: true, extend: false)
        #expect(epochs.values == [2, 4, 6, 8, 10] && epochs.labels() == ["2", "4", "6", "8", "10"])
        let few = AxisTicks(lower: 0.5, upper: 3.5, target: 6, integer: true, extend: false)
        #expect(few.values == [1, 2, 3])
        #expect(AxisTicks(lower: -1, upper: 1, target: 4, integer: false, extend: true).labels() == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
        #expect(AxisTicks(lower: 0, upper: 0.0003, target: 3, integer: false, extend: true).labels() == ["0.0000", "0.0001", "0.0002", "0.0003"])
        #expect(AxisTicks(lower: 0, upper: 2.5e7, target: 5, integer: false, extend: true).labels().last == "2.5e+07")
        let degenerate = AxisTicks(lower: .nan, upper: .infinity, target: 5, integer: false, extend: true)
        #expect(degenerate.values.count <= 50 && degenerate.values.allSatisfy(\.isFinite))
    }

    @Test func hasAGlyphForEveryPrintableCharacter() {
        for ascii in 32...126 {
            let character = Character(UnicodeScalar(UInt8(ascii)))
            let glyph = BitmapFont.glyph(character)
            #expect(glyph.rows.count == 7 || glyph.rows.count == 9, "\(character)")
            if character != " " { #expect(glyph.rows.contains { $0 != 0 }, "\(character)") }
        }
        #expect(BitmapFont.width(of: "0") == 5 && BitmapFont.width(of: "1") == 5)   // digits line up
        #expect(BitmapFont.width(of: ".") == 2)
        #expect(BitmapFont.width(of: "a b") == 5 + 1 + 3 + 1 + 5)
        #expect(BitmapFont.glyph("é").rows == BitmapFont.glyph("?").rows)
        #expect(BitmapFont.glyph("−").rows == BitmapFont.glyph("-").rows)
    }

    @Test func drawsCrispTextAndClipsAtTheEdges() {
        var canvas = RasterCanvas(width: 12, height: 9, background: .white)
        canvas.text("1", x: 0, y: 0, scale: 1, color: .black)
        let ink = (0..<9).map { y in String((0..<12).map { canvas.pixels[(y * 12 + $0) * 3] == 0 ? "#" : "." }) }
        #expect(Array(ink.prefix(7)) == ["..#.........", ".##.........", "..#.........", "..#.........", "..#.........", "..#.........", ".###........"])
        // Turned text runs upwards.
        var turned = RasterCanvas(width: 9, height: 6, background: .white)
        turned.text("-", x: 0, y: 0, scale: 1, color: .black, vertical: true)
        let column: [UInt8] = (0..<6).map { turned.pixels[($0 * 9 + 3) * 3] }
        #expect(column == [0, 0, 0, 255, 255, 255])
        // Off-canvas and non-finite drawing is clipped, not a crash.
        canvas.text("far away", x: -1000, y: 5000, scale: 3, color: .black)
        canvas.polyline([(-1e9, 0), (.nan, 3), (5, 5), (1e300, 1)], lineWidth: 2, color: .black)
        canvas.dot(x: .infinity, y: 0, radius: 3, color: .black)
        canvas.fill(x: 10, y: 8, width: 100, height: 100, color: .black)
        #expect(canvas.pixels.count == 12 * 9 * 3)
    }
}
