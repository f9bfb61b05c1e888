import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats

/// The explain pages in a real browser: headless Chromium opens pool_forward's page at three
/// steps (by `#step=N`) and the screenshots show that step's window and output cell outlined
/// and the outputs after it still empty.
@Suite struct ExplainPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func pagesAreSelfContained() throws {
        let html = try ExplainPage.html(title: "pool-forward", frames: try CourseFigures.poolForwardFrames(stride: 1, seed: CourseFigures.courseSeed))
        // No network: the only addresses are the SVG namespace.
        #expect(html.components(separatedBy: "http").dropFirst().allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") })
        #expect(!html.contains("https://") && !html.contains("src="))
        #expect(html.contains(#""title":"pool_forward, f = 3, stride = 1: h = 2, w = 2, c = 0""#))
    }

    /// The RGB of pixel (x, y).
    static func pixel(_ image: PNGImage, _ x: Int, _ y: Int) -> [UInt8] {
        let start = (y * image.width + x) * image.channels
        return Array(image.pixels[start..<(start + 3)])
    }

    @Test(.enabled(if: chromium != nil, "needs Chromium (apt-get install chromium) to open the pages"))
    func browserShowsTheStepTheURLAsksFor() throws {
        let frames = try CourseFigures.poolForwardFrames(stride: 1, seed: CourseFigures.courseSeed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("pool-forward.html")
        try Data(try ExplainPage.html(title: "pool-forward", frames: frames).utf8).write(to: page)
        let (cell, top) = (ExplainPage.cell, ExplainPage.top)
        let red = [UInt8](arrayLiteral: 228, 26, 28)
        for step in [1, 5, 9] {
            let shot = folder.appendingPathComponent("step\(step).png")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
            process.arguments = [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=1100,520", "--screenshot=\(shot.path)", page.absoluteString + "#step=\(step)",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let image = try PNGImage.read(contentsOf: shot)
            let frame = frames[step - 1]
            let (h, w) = ((step - 1) / 3, (step - 1) % 3)
            // The window of output (h, w) on the input (panel 0), and the output cell (panel 1): red top edges.
            let window = (ExplainPage.panelLeft(0, in: frame) + w * cell + cell / 2, top + h * cell + 1)
            let output = (ExplainPage.panelLeft(1, in: frame) + w * cell + cell / 2, top + h * cell + 1)
            #expect(Self.pixel(image, window.0, window.1) == red, "step \(step): the window's outline")
            #expect(Self.pixel(image, output.0, output.1) == red, "step \(step): the output cell's outline")
            // The cells the loops have not reached are empty; the ones before are coloured.
            let last = (ExplainPage.panelLeft(1, in: frame) + 2 * cell + cell / 2, top + 2 * cell + cell / 2 - 12)
            #expect((Self.pixel(image, last.0, last.1) == [255, 255, 255]) == (step < 9), "step \(step): the last output")
            let first = (ExplainPage.panelLeft(1, in: frame) + 4, top + 4)
            #expect(Self.pixel(image, first.0, first.1) != [255, 255, 255], "step \(step): the first output")
        }
    }
}
