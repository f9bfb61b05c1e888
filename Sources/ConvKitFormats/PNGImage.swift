import ConvKitCore
import Foundation

/// An 8-bit raster image that reads and writes PNG files.
///
/// Pixels are stored row by row, top row first, with `channels` interleaved bytes per pixel:
/// 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. `pixels.count == width * height * channels`.
///
/// ```swift
/// let image = try PNGImage.read(contentsOf: URL(fileURLWithPath: "digit.png"))
/// let input = try image.toGrayFloats(width: 28, height: 28, invert: true)   // [1, 28, 28, 1]
/// try PNGImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 0, 255]).write(to: url)
/// ```
public struct PNGImage: Sendable, Equatable {
    /// The number of columns, at least 1.
    public let width: Int
    /// The number of rows, at least 1.
    public let height: Int
    /// Bytes per pixel: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// The samples, `[height, width, channels]` in row-major order.
    public internal(set) var pixels: [UInt8]

    /// Decoding refuses images whose pixels would take more bytes than this (256 MiB), so a
    /// small file announcing a huge image cannot exhaust memory.
    public static let maximumByteCount = 1 << 28

    /// Creates an image from its pixels.
    ///
    /// - Throws: ``ConvKitError`` when a dimension is below 1, `channels` is not 1...4, the
    ///   image would exceed ``maximumByteCount`` or `pixels.count != width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        let count = try Self.byteCount(width: width, height: height, channels: channels, function: "PNGImage.init")
        guard pixels.count == count else {
            throw ConvKitError(
                "PNGImage.init",
                "pixels has \(pixels.count) bytes but a \(width)×\(height) image with \(channels) channels needs \(count)")
        }
        self.init(uncheckedWidth: width, height: height, channels: channels, pixels: pixels)
    }

    /// Creates an image filled with one colour, whose byte count gives the channels (1...4).
    ///
    /// - Throws: ``ConvKitError`` for a dimension below 1, an empty or over-long colour, or
    ///   an image larger than ``maximumByteCount``.
    public init(width: Int, height: Int, color: [UInt8]) throws {
        let count = try Self.byteCount(
            width: width, height: height, channels: color.count, function: "PNGImage.init(color:)")
        var pixels = [UInt8]()
        pixels.reserveCapacity(count)
        for _ in 0..<(width * height) { pixels += color }
        self.init(uncheckedWidth: width, height: height, channels: color.count, pixels: pixels)
    }

    /// For callers that have checked the sizes.
    init(uncheckedWidth width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// `width * height * channels`, checked against the limits.
    package static func byteCount(width: Int, height: Int, channels: Int, function: String) throws -> Int {
        guard width >= 1, height >= 1 else {
            throw ConvKitError(function, "image size \(width)×\(height) must be at least 1×1")
        }
        guard (1...4).contains(channels) else {
            throw ConvKitError(function, "channels \(channels) must be 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA)")
        }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, area <= maximumByteCount / channels else {
            throw ConvKitError(
                function,
                "a \(width)×\(height) image with \(channels) channels exceeds the limit of \(maximumByteCount) bytes")
        }
        return area * channels
    }

    /// The pixel at column `x`, row `y` as RGBA (gray is repeated, missing alpha is 255),
    /// or nil outside the image.
    public func rgba(x: Int, y: Int) -> [UInt8]? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        let start = (y * width + x) * channels
        let p = pixels[start ..< start + channels]
        let b = p.startIndex
        switch channels {
        case 1: return [p[b], p[b], p[b], 255]
        case 2: return [p[b], p[b], p[b], p[b + 1]]
        case 3: return [p[b], p[b + 1], p[b + 2], 255]
        default: return [p[b], p[b + 1], p[b + 2], p[b + 3]]
        }
    }
}
