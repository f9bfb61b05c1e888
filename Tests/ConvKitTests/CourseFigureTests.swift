import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats

/// `convkit explain`'s figures: the numbers drawn are the course's (the published values the demo
/// checks), the images decode (with ConvKit's decoder and, where installed, PIL) and show the
/// colour map's ends, and two small figures match their golden pixel hashes.
@Suite struct CourseFigureTests {
    static func figure(_ step: CourseStep, _ index: Int = 0) throws -> MatrixFigure {
        try CourseFigures.figures(for: step)[index].figure
    }

    static func eightDigits(_ values: [Double]) -> [String] { values.map { String(format: "%.8f", $0) } }

    @Test func figuresDrawTheCoursesNumbers() throws {
        // zero_pad: x[1, 1] prints [[0.90085595 -0.68372786] [-0.12289023 -0.93576943] [-0.26788808 0.53035547]].
        let pad = try Self.figure(.zeroPad)
        #expect(Self.eightDigits(pad.panels[0].values[1]) == Self.eightDigits([0.90085595, -0.12289023, -0.26788808]))
        let padded = pad.panels[1].values
        #expect(padded.count == 9 && padded.allSatisfy { $0.count == 9 })
        for row in 0..<9 {
            for column in 0..<9 {
                let inside = (3..<6).contains(row) && (3..<6).contains(column)
                #expect(padded[row][column] == (inside ? pad.panels[0].values[row - 3][column - 3] : 0))
            }
        }
        // pool_forward, stride 1: "mode = max: A[1, 1]" is A[1, 1, :, :]; channel 0 is its first column.
        let pool = try Self.figure(.poolForward)
        #expect(Self.eightDigits(pool.panels[1].values[1]) == Self.eightDigits([1.96710175, 1.96710175, 1.62765075]))
        #expect(Self.eightDigits(pool.panels[2].values[1]) == Self.eightDigits([0.44497696, 0.50811474, 0.11872677]))
        #expect(pool.caption == "max = 1.97, mean = 0.51")
        // conv_forward: Z[0, 2, 1] prints [-2.17796037 8.07171329 …]; channel 0 is the first.
        let conv = try Self.figure(.convForward)
        #expect(Self.eightDigits([conv.panels[3].values[2][1]]) == ["-2.17796037"])
        #expect(conv.panels[0].outlines.first.map { [$0.row, $0.column, $0.rows] } == [4, 2, 3])
        #expect(try CourseFigures.animations(for: .convForward).first?.frames.count == 12)
        // pool_backward: dA_prev[1, 1] prints [[0 0] [5.05844394 -1.68282702] [0 0]] (max) and
        // [[0.08485462 0.2787552] [1.26461098 -0.25749373] [1.17975636 -0.53624893]] (average); channel 0 is the first column.
        let backward = try Self.figure(.poolBackward)
        #expect(Self.eightDigits(backward.panels[2].values[1]) == Self.eightDigits([0, 5.05844394, 0]))
        #expect(Self.eightDigits(backward.panels[3].values[1]) == Self.eightDigits([0.08485462, 1.26461098, 1.17975636]))
        #expect(try CourseFigures.animations(for: .poolBackward).first?.frames.count == 8)
        // cs231n: out[0, 0] prints [[-0.08759809 -0.10987781] [-0.18387192 -0.2109216]].
        let cs231n = try Self.figure(.cs231n)
        #expect(Self.eightDigits(Array(cs231n.panels[3].values.joined())) == Self.eightDigits([-0.08759809, -0.10987781, -0.18387192, -0.2109216]))
        #expect(cs231n.caption?.hasSuffix("= -0.11") == true)
        // conv_single_step: Z = -6.999089450680221.
        #expect(try Self.figure(.convSingleStep).caption?.hasSuffix("= -6.999089450680221") == true)
        // distribute_value: 2 / 4 and 25 / 9 in every cell.
        let spread = try Self.figure(.distributeValue)
        #expect(spread.panels[0].values.joined().allSatisfy { $0 == 0.5 })
        #expect(Self.eightDigits(Array(spread.panels[1].values.joined())) == Array(repeating: "2.77777778", count: 9))
        // create_mask_from_window: the maximum of [[-1 2 3] [2 -3 2] [1 5 -2]] is at (2, 1).
        let mask = try Self.figure(.mask)
        #expect(mask.panels[3].values == [[0, 0, 0], [0, 0, 0], [0, 1, 0]])
        #expect(mask.panels[3].outlines.map { [$0.row, $0.column] } == [[2, 1]])
    }

    @Test func loopFreeBackwardAddsUpToTheLoops() throws {
        let figure = try Self.figure(.loopFreeBackward)
        let (dZ, dilated, padded) = (figure.panels[0].values, figure.panels[1].values, figure.panels[2].values)
        #expect(dZ.count == 4 && dilated.count == 7 && padded.count == 9)
        for i in 0..<7 {
            for j in 0..<7 {
                #expect(dilated[i][j] == (i % 2 == 0 && j % 2 == 0 ? dZ[i / 2][j / 2] : 0))
                #expect(padded[i + 1][j + 1] == dilated[i][j])
            }
        }
        #expect(figure.panels[4].values.count == 8)
        let caption = try #require(figure.caption)
        let difference = try #require(Double(caption.split(separator: " ").last.map(String.init) ?? ""))
        #expect(difference <= 1e-12, "\(caption)")
    }

    @Test func convBackwardLoopsAddUpToConvBackward() throws {
        let frames = try #require(try CourseFigures.animations(for: .convBackward).first).frames
        #expect(frames.count == 16)
        // Cell (1, 1) (frame 5) adds its window, rows and columns 2...3 of A_prev_pad, times dZ[0, 1, 1, 0] to dW, and dZ to db.
        let (before, after) = (frames[4], frames[5])
        let g = after.panels[1].values[1][1]
        for r in 0..<2 {
            for s in 0..<2 {
                let added = after.panels[3].values[r][s] - before.panels[3].values[r][s]
                #expect(abs(added - after.panels[0].values[2 + r][2 + s] * g) <= 1e-12)
            }
        }
        #expect(abs(after.panels[4].values[0][0] - before.panels[4].values[0][0] - g) <= 1e-12)
        let caption = try #require(frames.last?.caption)
        let difference = try #require(Double(caption.split(separator: " ").last.map(String.init) ?? ""))
        #expect(difference <= 1e-10, "\(caption)")
    }

    @Test(arguments: CourseStep.allCases)
    func imagesDecodeAndShowTheColourMapsEnds(_ step: CourseStep) throws {
        for (name, figure) in try CourseFigures.figures(for: step) {
            let image = figure.render()
            let decoded = try PNGImage.decode(try image.encode(), source: name)
            #expect(decoded == image)
            #expect(image.channels == 3 && image.width >= 200 && image.height >= 100, "\(name): \(image.width) × \(image.height)")
            var colors = Set<[UInt8]>()
            for pixel in stride(from: 0, to: image.pixels.count, by: 3) { colors.insert(Array(image.pixels[pixel..<(pixel + 3)])) }
            let (first, last) = (ColorMap.viridis.colors[0], ColorMap.viridis.colors[255])
            #expect(colors.contains([first.red, first.green, first.blue]), "\(name) lacks viridis's lowest colour")
            #expect(colors.contains([last.red, last.green, last.blue]), "\(name) lacks viridis's highest colour")
        }
    }

    /// The walkthrough's pictures (Sources/ConvKit/ConvKit.docc/Resources) are what explain draws
    /// now: regenerate them with `convkit explain all` after changing a figure.
    @Test func documentationImagesAreCurrent() throws {
        let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ConvKit/ConvKit.docc/Resources")
        var compared = 0
        for step in CourseStep.allCases {
            for (name, figure) in try CourseFigures.figures(for: step) {
                let url = resources.appendingPathComponent("explain-\(name).png")
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                #expect(try PNGImage.read(contentsOf: url) == figure.render(), "\(url.lastPathComponent) is out of date")
                compared += 1
            }
        }
        #expect(compared == 12)
    }

    /// FNV-1a over the pixels: any change to the drawing shows.
    static func hash(_ image: PNGImage) -> UInt64 {
        image.pixels.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    @Test func smallFiguresMatchTheirGoldenHashes() throws {
        let spread = try Self.figure(.distributeValue).render()
        let mask = try Self.figure(.mask).render()
        #expect((spread.width, spread.height, Self.hash(spread)) == (692, 236, 15_998_222_534_918_660_071))
        #expect((mask.width, mask.height, Self.hash(mask)) == (1152, 236, 9_685_245_535_493_743_836))
    }

    static let pythonHasPIL = Python.canImport("PIL.Image")

    @Test(.enabled(if: pythonHasPIL, "needs python3 with Pillow (pip install pillow) to read the figures with PIL"))
    func pilReadsTheFigures() throws {
        let image = try Self.figure(.zeroPad).render()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-figure-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try image.write(to: url)
        let output = try Python.run(
            "import sys; from PIL import Image; im = Image.open(sys.argv[1]); print(im.size, im.mode, im.getpixel((0, 0)))", url.path)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "(\(image.width), \(image.height)) RGB (255, 255, 255)")
    }

    /// The chunks of a PNG file: type and data, in order.
    static func chunks(_ data: Data) -> [(type: String, body: [UInt8])] {
        let bytes = [UInt8](data)
        var chunks: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            chunks.append((type, Array(bytes[(offset + 8)..<(offset + 8 + length)])))
            offset += 12 + length
        }
        return chunks
    }

    @Test func animationsAreAPNGsWithOneFramePerOutputCell() throws {
        let frames = try #require(try CourseFigures.animations(for: .poolForward).first).frames
        #expect(frames.count == 9)
        // Frame 4 is output (1, 1): its window starts at (1, 1) and the outputs after it are empty.
        #expect(frames[4].panels[0].outlines.first.map { [$0.row, $0.column, $0.rows] } == [1, 1, 3])
        #expect(abs(frames[4].panels[1].values[1][1] - 1.96710175) < 1e-8)
        #expect(frames[4].panels[1].values[1][2].isNaN && frames[4].panels[1].values[2].allSatisfy(\.isNaN))

        let images = frames.prefix(3).map { $0.render() }
        let data = try PNGImage.encodeAnimation(images, delayMilliseconds: 900)
        let chunks = Self.chunks(data)
        #expect(chunks.map(\.type) == ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        #expect(chunks[1].body == [0, 0, 0, 3, 0, 0, 0, 0])  // 3 frames, played for ever
        let sequence = chunks.filter { $0.type == "fcTL" || $0.type == "fdAT" }.map { $0.body.prefix(4).reduce(0) { $0 << 8 | Int($1) } }
        #expect(sequence == [0, 1, 2, 3, 4])
        #expect(chunks[2].body[20..<24] == [3, 0x84, 3, 0xe8])  // 900 / 1000 s
        // A reader without APNG sees the first frame.
        #expect(try PNGImage.decode(data) == images[0])
        #expect(throws: ConvKitError("PNGImage.encodeAnimation", "an animation needs at least one frame")) {
            _ = try PNGImage.encodeAnimation([], delayMilliseconds: 100)
        }
        let small = try PNGImage(width: 2, height: 1, channels: 3, pixels: [UInt8](repeating: 9, count: 6))
        #expect(throws: ConvKitError("PNGImage.encodeAnimation", "frame 1 is 2 × 1 × 3, frame 0 is \(images[0].width) × \(images[0].height) × 3")) {
            _ = try PNGImage.encodeAnimation([images[0], small], delayMilliseconds: 100)
        }
    }

    @Test(.enabled(if: pythonHasPIL, "needs python3 with Pillow (pip install pillow) to read the animation with PIL"))
    func pilPlaysTheAnimation() throws {
        let frames = try #require(try CourseFigures.animations(for: .poolForward).first).frames.map { $0.render() }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-animation-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try PNGImage.writeAnimation(frames, delayMilliseconds: 900, to: url)
        // PIL's frame 5, as RGB bytes, against ConvKit's own rendering of it.
        let script = "import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.seek(5); "
            + "sys.stdout.write(str(im.n_frames) + ' ' + im.convert('RGB').tobytes().hex())"
        let output = try Python.run(script, url.path)
        let parts = output.split(separator: " ")
        #expect(parts.first == "9")
        #expect(parts.last == Substring(frames[5].pixels.map { String(format: "%02x", $0) }.joined()))
    }
}
