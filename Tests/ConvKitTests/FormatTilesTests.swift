import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Gray images of tensors, tile grids and side-by-side pictures.
@Suite struct FormatTilesTests {
    @Test func drawsATensorAsAScaledGrayImage() throws {
        let values = try Tensor<Double>(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let image = try PNGImage(grayscale: values, scale: 2)
        #expect(image.width == 6 && image.height == 4 && image.channels == 1)
        #expect(Array(image.pixels[0..<6]) == [0, 0, 51, 51, 102, 102])
        #expect(Array(image.pixels[12..<18]) == [153, 153, 204, 204, 255, 255])
        // A fixed range clips; NaN is black; a constant tensor is black.
        let clipped = try PNGImage(grayscale: values, range: 1...3)
        #expect(clipped.pixels == [0, 0, 128, 255, 255, 255])
        let nan = try PNGImage(grayscale: try Tensor<Float>(shape: [1, 2, 1], scalars: [.nan, 1]))
        #expect(nan.pixels == [0, 0])
        #expect(try PNGImage(grayscale: try Tensor<Float>(zeros: [2, 2])).pixels == [0, 0, 0, 0])
        #expect(FormatTestSupport.message { try PNGImage(grayscale: try Tensor<Float>(zeros: [2, 2, 2])) }
            == "PNGImage.init(grayscale:): values has shape [2, 2, 2], expected [height, width] or [height, width, 1]")
        #expect(FormatTestSupport.message { try PNGImage(grayscale: values, range: 1...1) }
            == "PNGImage.init(grayscale:): range 1.0...1.0 must be finite with lowerBound < upperBound")
    }

    @Test func laysOutTilesInAGrid() throws {
        // Five 2×2 tiles: tile t holds t, t, t, t + 1.
        var scalars = [Float]()
        for t in 0..<5 { scalars += [Float(t), Float(t), Float(t), Float(t + 1)] }
        let tiles = try Tensor<Float>(shape: [5, 2, 2], scalars: scalars)
        let grid = try PNGImage.grid(tiles, scale: 1, spacing: 1)
        // ⌈√5⌉ = 3 columns, 2 rows: width 3·2 + 2, height 2·2 + 1.
        #expect(grid.width == 8 && grid.height == 5)
        #expect(Array(grid.pixels[0..<8]) == [0, 0, 255, 0, 0, 255, 0, 0])       // per tile: min black
        #expect(Array(grid.pixels[8..<16]) == [0, 255, 255, 0, 255, 255, 0, 255])  // max white
        #expect(Array(grid.pixels[16..<24]) == [UInt8](repeating: 255, count: 8))  // spacing row
        #expect(Array(grid.pixels[24..<32]) == [0, 0, 255, 0, 0, 255, 255, 255])  // the empty sixth cell
        let shared = try PNGImage.grid(tiles, columns: 5, spacing: 0, normalization: .shared)
        #expect(shared.width == 10 && shared.height == 2)
        #expect(Array(shared.pixels[0..<10]) == [0, 0, 51, 51, 102, 102, 153, 153, 204, 204])
        let fixed = try PNGImage.grid(tiles, columns: 1, scale: 3, spacing: 2, normalization: .fixed(0...10), background: 7)
        #expect(fixed.width == 6 && fixed.height == 5 * 6 + 4 * 2)
        #expect(fixed.pixels[6 * 6] == 7)   // first spacing row
        #expect(try PNGImage.grid(tiles.reshaped([5, 2, 2, 1])) == PNGImage.grid(tiles))

        #expect(FormatTestSupport.message { try PNGImage.grid(tiles, scale: 0) } == "PNGImage.grid: scale 0 must be in 1...256")
        #expect(FormatTestSupport.message { try PNGImage.grid(tiles, spacing: -1) } == "PNGImage.grid: spacing -1 must be in 0...256")
        #expect(FormatTestSupport.message { try PNGImage.grid(tiles, columns: 0) } == "PNGImage.grid: columns 0 must be at least 1")
        #expect(FormatTestSupport.message { try PNGImage.grid(try Tensor<Float>(zeros: [0, 2, 2])) }
            == "PNGImage.grid: tiles has shape [0, 2, 2]: there is nothing to draw")
        #expect(FormatTestSupport.message { try PNGImage.grid(try Tensor<Float>(zeros: [4, 4])) }
            == "PNGImage.grid: tiles has shape [4, 4], expected [count, height, width] or [count, height, width, 1]")
        #expect(FormatTestSupport.message { try PNGImage.grid(try Tensor<Float>(zeros: [4, 1000, 1000]), scale: 200) }
            == "PNGImage.grid: a 400001×400001 image with 1 channels exceeds the limit of 268435456 bytes")
        #expect(FormatTestSupport.message { try PNGImage.grid(tiles, normalization: .fixed(0...Double.infinity)) }
            == "PNGImage.grid: range 0.0...inf must be finite with lowerBound < upperBound")
    }

    @Test func placesImagesSideBySideWithCaptions() throws {
        let x = try PNGImage(grayscale: try Tensor<Double>(shape: [3, 3], scalars: (0..<9).map(Double.init)), scale: 10)
        let padded = try PNGImage(grayscale: try zeroPad(try Tensor<Double>(shape: [1, 3, 3, 1], scalars: (0..<9).map(Double.init)), pad: 2)
            .reshaped([7, 7]), scale: 10, range: 0...8)
        let plain = try PNGImage.sideBySide([x, padded], spacing: 4)
        #expect(plain.width == 30 + 4 + 70 && plain.height == 70 && plain.channels == 1)
        #expect(Array(plain.pixels[0..<35]) == [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 32, count: 10)
            + [UInt8](repeating: 64, count: 10) + [255, 255, 255, 255, 0])   // x's first row, the gap, x_pad's border
        #expect(plain.pixels[31 * plain.width] == 255)   // below the short image: background
        let captioned = try PNGImage.sideBySide([x, padded], captions: ["x", "x_pad"])
        #expect(captioned.channels == 1)
        #expect(captioned.height == 16 + 70 + BitmapFont.cellHeight * 2 + 12 + 16)
        // The caption under the second image is drawn in dark ink.
        let captionRows = captioned.pixels[(16 + 70 + 10) * captioned.width ..< (16 + 70 + 24) * captioned.width]
        #expect(captionRows.contains { $0 < 100 })
        let color = try PNGImage(width: 2, height: 2, color: [255, 0, 0, 128])
        let mixed = try PNGImage.sideBySide([x, color], spacing: 0, background: 0)
        #expect(mixed.channels == 3)
        #expect(Array(mixed.pixels[30 * 3 ..< 30 * 3 + 3]) == [128, 0, 0])   // half-transparent red over black

        #expect(FormatTestSupport.message { try PNGImage.sideBySide([]) } == "PNGImage.sideBySide: images is empty; expected at least one image")
        #expect(FormatTestSupport.message { try PNGImage.sideBySide([x], captions: ["a", "b"]) }
            == "PNGImage.sideBySide: 2 captions for 1 images; expected none or one per image")
        #expect(FormatTestSupport.message { try PNGImage.sideBySide([x], spacing: 5000) } == "PNGImage.sideBySide: spacing 5000 must be in 0...1024")
        if let path = ProcessInfo.processInfo.environment["CONVKIT_PADDING_PREVIEW"] {
            try captioned.write(to: URL(fileURLWithPath: path))
        }
    }
}
