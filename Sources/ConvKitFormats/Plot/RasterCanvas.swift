import ConvKitCore
/// An RGB drawing surface for charts and captions: rectangles, crisp text from ``BitmapFont``
/// and anti-aliased lines and dots. Drawing outside the canvas is clipped, never a crash.
struct RasterCanvas {
    let width: Int
    let height: Int
    /// `[height, width, 3]` bytes.
    var pixels: [UInt8]
    /// When set, drawing only touches pixels inside `[x0, x1) × [y0, y1)`.
    var clip: (x0: Int, y0: Int, x1: Int, y1: Int)?

    init(width: Int, height: Int, background: ChartColor) {
        self.width = max(1, width)
        self.height = max(1, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in 0..<(self.width * self.height) {
            pixels[3 * i] = background.red
            pixels[3 * i + 1] = background.green
            pixels[3 * i + 2] = background.blue
        }
    }

    /// The canvas as an RGB image, or gray when `gray` (every colour drawn was a gray).
    func image(gray: Bool = false) -> PNGImage {
        if gray {
            let levels = (0..<(width * height)).map { pixels[3 * $0] }
            return PNGImage(uncheckedWidth: width, height: height, channels: 1, pixels: levels)
        }
        return PNGImage(uncheckedWidth: width, height: height, channels: 3, pixels: pixels)
    }

    /// Mixes `color` into the pixel at (x, y) with opacity `alpha` (0...1).
    @inline(__always)
    mutating func blend(x: Int, y: Int, color: ChartColor, alpha: Float) {
        guard x >= 0, x < width, y >= 0, y < height, alpha > 0 else { return }
        if let clip, x < clip.x0 || x >= clip.x1 || y < clip.y0 || y >= clip.y1 { return }
        let a = min(alpha, 1)
        let i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            UInt8((Float(old) * (1 - a) + Float(new) * a).rounded())
        }
        pixels[i] = mix(pixels[i], color.red)
        pixels[i + 1] = mix(pixels[i + 1], color.green)
        pixels[i + 2] = mix(pixels[i + 2], color.blue)
    }

    /// Fills the rectangle `[x, x + w) × [y, y + h)`.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: ChartColor, alpha: Float = 1) {
        // Clamp first: a rectangle wholly off the canvas must give empty ranges, not inverted ones.
        let top = min(max(0, y), height), bottom = min(max(top, y + max(0, h)), height)
        let left = min(max(0, x), width), right = min(max(left, x + max(0, w)), width)
        for row in top..<bottom {
            for column in left..<right {
                blend(x: column, y: row, color: color, alpha: alpha)
            }
        }
    }

    /// A one-pixel rectangle outline.
    mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, color: ChartColor) {
        fill(x: x, y: y, width: w, height: 1, color: color)
        fill(x: x, y: y + h - 1, width: w, height: 1, color: color)
        fill(x: x, y: y, width: 1, height: h, color: color)
        fill(x: x + w - 1, y: y, width: 1, height: h, color: color)
    }

    /// The size of `text` drawn at `scale`, in pixels (the height counts capitals, not descenders).
    static func textSize(_ text: String, scale: Int) -> (width: Int, height: Int) {
        (BitmapFont.width(of: text) * scale, BitmapFont.capHeight * scale)
    }

    /// Draws `text` with its top-left corner (of the capitals) at (x, y), each font pixel a
    /// `scale`×`scale` square; `vertical` turns it 90° counter-clockwise (reading bottom-up),
    /// with (x, y) then the top-left of the turned text's box.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, color: ChartColor, vertical: Bool = false) {
        let scale = max(1, scale)
        var pen = 0
        let length = BitmapFont.width(of: text)
        for character in text {
            let glyph = BitmapFont.glyph(character)
            if character != " " {
                for row in 0..<glyph.rows.count {
                    for column in 0..<glyph.width where glyph.isInked(x: glyph.left + column, y: row) {
                        let u = pen + column
                        // Turned text: the string runs upwards, glyph tops face left.
                        let px = vertical ? x + row * scale : x + u * scale
                        let py = vertical ? y + (length - 1 - u) * scale : y + row * scale
                        fill(x: px, y: py, width: scale, height: scale, color: color)
                    }
                }
            }
            pen += BitmapFont.advance(character)
        }
    }

    /// Whether a coordinate is finite and small enough to convert to `Int` safely.
    static func isDrawable(_ value: Double) -> Bool {
        value.isFinite && abs(value) < 1e7
    }

    /// Coverage of one pixel by a round-capped segment of half-width `radius`.
    @inline(__always)
    private static func coverage(px: Double, py: Double, from a: (Double, Double), to b: (Double, Double), radius: Double) -> Float {
        let dx = b.0 - a.0, dy = b.1 - a.1
        let lengthSquared = dx * dx + dy * dy
        var t = lengthSquared > 0 ? ((px - a.0) * dx + (py - a.1) * dy) / lengthSquared : 0
        t = min(1, max(0, t))
        let ex = a.0 + t * dx - px, ey = a.1 + t * dy - py
        let distance = (ex * ex + ey * ey).squareRoot()
        return Float(min(1, max(0, radius + 0.5 - distance)))
    }

    /// Strokes a polyline of `lineWidth` pixels, anti-aliased; joints are round. Each pixel
    /// takes the largest coverage of any segment, so joints are not drawn darker.
    mutating func polyline(_ points: [(Double, Double)], lineWidth: Double, color: ChartColor) {
        // Coordinates far outside the canvas (or not finite) would trap when converted to Int.
        let points = points.filter { Self.isDrawable($0.0) && Self.isDrawable($0.1) }
        guard !points.isEmpty, Self.isDrawable(lineWidth) else { return }
        let radius = lineWidth / 2
        var layer = [Float](repeating: 0, count: width * height)
        let segments = points.count == 1 ? [(points[0], points[0])] : Array(zip(points, points.dropFirst()))
        for (a, b) in segments {
            let minX = max(0, Int((min(a.0, b.0) - radius - 1).rounded(.down)))
            let maxX = min(width - 1, Int((max(a.0, b.0) + radius + 1).rounded(.up)))
            let minY = max(0, Int((min(a.1, b.1) - radius - 1).rounded(.down)))
            let maxY = min(height - 1, Int((max(a.1, b.1) + radius + 1).rounded(.up)))
            guard minX <= maxX, minY <= maxY else { continue }
            for y in minY...maxY {
                for x in minX...maxX {
                    // Pixel (x, y) covers [x, x + 1) × [y, y + 1); sample its centre.
                    let c = Self.coverage(px: Double(x) + 0.5, py: Double(y) + 0.5, from: a, to: b, radius: radius)
                    if c > layer[y * width + x] { layer[y * width + x] = c }
                }
            }
        }
        for i in 0..<layer.count where layer[i] > 0 {
            blend(x: i % width, y: i / width, color: color, alpha: layer[i])
        }
    }

    /// A filled, anti-aliased disc.
    mutating func dot(x cx: Double, y cy: Double, radius: Double, color: ChartColor) {
        guard Self.isDrawable(cx), Self.isDrawable(cy), Self.isDrawable(radius) else { return }
        let minX = Int((cx - radius - 1).rounded(.down)), maxX = Int((cx + radius + 1).rounded(.up))
        let minY = Int((cy - radius - 1).rounded(.down)), maxY = Int((cy + radius + 1).rounded(.up))
        guard minX <= maxX, minY <= maxY else { return }
        for y in minY...maxY {
            for x in minX...maxX {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let c = Float(min(1, max(0, radius + 0.5 - (dx * dx + dy * dy).squareRoot())))
                blend(x: x, y: y, color: color, alpha: c)
            }
        }
    }

    /// Copies `image` with its top-left corner at (x, y), compositing alpha over the canvas.
    mutating func draw(_ image: PNGImage, x: Int, y: Int) {
        for row in 0..<image.height {
            for column in 0..<image.width {
                guard let p = image.rgba(x: column, y: row) else { continue }
                blend(
                    x: x + column, y: y + row, color: ChartColor(red: p[0], green: p[1], blue: p[2]),
                    alpha: Float(p[3]) / 255)
            }
        }
    }
}
