import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// The tie picture of `convkit explain mask`, `--seed`, figures in several rows, and the
/// figures of `convkit visualize` (filters and feature maps with their layer and channel).
@Suite struct FigureGridTests {
    @Test func tiePictureRoutesTheGradientByEachPolicy() throws {
        let figure = try #require(try CourseFigures.figures(for: .mask).first { $0.name == "mask-ties" }).figure
        let (all, first, split) = (figure.panels[2].values, figure.panels[3].values, figure.panels[4].values)
        // Windows: {3, 3, 1, 3} ties three ways, {2, 5, 5, 1} two, {4, 0, 0, 1} not, {7, 7, 7, 7} four; dA = [[0.9, 2], [3, 4]].
        #expect(all == [[0.9, 0.9, 0, 2], [0, 0.9, 2, 0], [3, 0, 4, 4], [0, 0, 4, 4]])
        #expect(first == [[0.9, 0, 0, 2], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]])
        let expectedSplit: [[Double]] = [[0.3, 0.3, 0, 1], [0, 0.3, 1, 0], [3, 0, 1, 1], [0, 0, 1, 1]]
        for (row, expected) in zip(split, expectedSplit) {
            for (value, want) in zip(row, expected) { #expect(abs(value - want) < 1e-15) }
        }
        // The course's panel is the course's function: mask = (x == max(x)) times dA, window by window.
        for window in 0..<4 {
            let (top, left) = (window / 2 * 2, window % 2 * 2)
            let values = CourseFigures.tiedInput[top..<(top + 2)].flatMap { $0[left..<(left + 2)] }
            let mask = try createMaskFromWindow(Tensor<Double>(shape: [2, 2], scalars: values))
            for (index, isMax) in mask.scalars.enumerated() {
                #expect(all[top + index / 2][left + index % 2] == (isMax ? CourseFigures.tiedGradient[window / 2][window % 2] : 0))
            }
        }
        // Every tied maximum is marked (3 + 2 + 1 + 4), inside the four window outlines.
        #expect(figure.panels[0].outlines.count == 10 + 4)
    }

    @Test func contactSheetShowsEveryWindowOfConvForward() throws {
        let sheet = try #require(try CourseFigures.figures(for: .convForward).first { $0.name == "conv-forward-windows" }).figure
        #expect(sheet.panels.count == 12 && sheet.panelsPerRow == 4)
        // Output (2, 1) is the course's printed Z[0, 2, 1, 0] = -2.17796037; its window starts at (4, 2).
        #expect(sheet.panels[9].title == "h = 2, w = 1: Z = -2.18")
        #expect(sheet.panels[9].outlines.map { [$0.row, $0.column, $0.rows, $0.columns] } == [[1, 1, 5, 7], [4, 2, 3, 3]])
        #expect(sheet.panels.allSatisfy { $0.values.count == 7 && $0.values[0].count == 9 && $0.values[0].allSatisfy { $0 == 0 } })
    }

    @Test func seedDrawsOtherInputsOfTheSameShapes() throws {
        let course = try #require(try CourseFigures.figures(for: .zeroPad).first).figure
        #expect(try #require(try CourseFigures.figures(for: .zeroPad, seed: CourseFigures.courseSeed).first).figure.panels[0].values
            == course.panels[0].values)
        let other = try #require(try CourseFigures.figures(for: .zeroPad, seed: 7).first).figure
        var rng = NumPyRandomState(seed: 7)
        let x = try rng.randn(4, 3, 3, 2)
        #expect(other.panels[0].values == MatrixFigure.plane(x, image: 1, channel: 0))
        #expect(other.panels[0].values != course.panels[0].values)
        #expect(try CourseFigures.animations(for: .poolForward, seed: 7).first?.frames.count == 9)
    }

    @Test func panelsWrapIntoRows() throws {
        let panel = MatrixFigure.Panel(title: "p", values: [[0, 1], [2, 3]])
        let wide = MatrixFigure(panels: [panel, panel, panel])
        var wrapped = wide
        wrapped.panelsPerRow = 2
        let (one, two) = (wide.render(), wrapped.render())
        let layout = MatrixFigure.Layout(wrapped)
        #expect(layout.origins.map(\.x) == [layout.origins[0].x, layout.origins[1].x, layout.origins[0].x])
        #expect(layout.origins[2].top > layout.origins[0].top + 2 * layout.cell)
        #expect(two.width < one.width && two.height > one.height)
        // The third panel's last cell (value 3, the top of the scale) is drawn in its second row.
        let (x, y) = (layout.origins[2].x + MatrixFigure.Layout.indexWidth + layout.cell + 2, layout.origins[2].top + layout.cell + 2)
        let top = ColorMap.viridis.colors[255]
        #expect(Array(two.pixels[(y * two.width + x) * 3 ..< (y * two.width + x) * 3 + 3]) == [top.red, top.green, top.blue])
    }

    @Test func networkFiguresShowEachLayersWeightsAndMaps() throws {
        let model = try Sequential<Float>(ModelSpec.digits, seed: 3)
        let filters = try #require(model.filterFigure())
        let weight = try #require(model.layers[0] as? Conv2D<Float>).weight  // (3, 3, 1, 16)
        #expect(filters.panels.count == 16 && filters.panelsPerRow == 8)
        #expect(filters.panels[5].title == "layer 0 k 5")
        #expect(filters.panels[5].values[2][1] == Double(weight.scalars[(2 * 3 + 1) * 16 + 5]))

        var rng = NumPyRandomState(seed: 4)
        let image = try rng.randn(8, 8, 1).map(Float.init)
        let maps = try model.featureMapFigures(for: image)
        #expect(maps.map(\.layer) == [0, 3])
        // Layer 3's maps are the model's own forward pass up to it.
        var x = try image.reshaped([1, 8, 8, 1])
        for index in 0...3 {
            var layer = model.layers[index]
            x = try layer.forward(x, training: false)
        }
        let deep = maps[1].figure
        #expect(deep.panels.count == 32 && deep.panels[17].title == "layer 3 ch 17")
        #expect(deep.panels[17].values == MatrixFigure.plane(x, channel: 17))
        #expect(deep.render().height > maps[0].figure.render().height, "32 maps in four rows, 16 in two")
        #expect(throws: ConvKitError("Sequential.featureMapFigures", "image has shape [1, 8, 8, 1]; the model takes one [H, W, C] sample of [8, 8, 1]")) {
            _ = try model.featureMapFigures(for: try image.reshaped([1, 8, 8, 1]))
        }
    }
}
