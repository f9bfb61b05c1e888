import ConvKitCore
/// The contents of a PNG's `IHDR` chunk, validated, with the sample layout it implies.
struct PNGHeader: Equatable {
    /// PNG's colour types (PNG spec §11.2.2).
    enum ColorType: UInt8 {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6

        /// Samples per pixel in the file (a palette index is one sample).
        var samplesPerPixel: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// The bit depths the spec allows for this colour type.
        var allowedBitDepths: [Int] {
            switch self {
            case .gray: [1, 2, 4, 8, 16]
            case .palette: [1, 2, 4, 8]
            case .rgb, .grayAlpha, .rgba: [8, 16]
            }
        }

        var name: String {
            switch self {
            case .gray: "gray"
            case .rgb: "RGB"
            case .palette: "palette"
            case .grayAlpha: "gray + alpha"
            case .rgba: "RGBA"
            }
        }
    }

    /// One of Adam7's seven passes, or the whole image when not interlaced.
    struct Pass {
        var xStart: Int, yStart: Int, xStep: Int, yStep: Int
        var width: Int, height: Int
    }

    var width: Int
    var height: Int
    var bitDepth: Int
    var colorType: ColorType
    var interlaced: Bool

    /// The largest width or height PNG allows, 2^31 − 1.
    static let maximumDimension = Int(Int32.max)

    /// Parses the 13 bytes of an `IHDR` chunk; the reason for rejecting it is thrown as a String.
    init(_ bytes: ArraySlice<UInt8>) throws(PNGFormatError) {
        guard bytes.count == 13 else {
            throw PNGFormatError("IHDR chunk has \(bytes.count) bytes, expected 13")
        }
        let b = Array(bytes)
        width = Int(PNGImage.bigEndianUInt32(b, at: 0))
        height = Int(PNGImage.bigEndianUInt32(b, at: 4))
        bitDepth = Int(b[8])
        guard (1...Self.maximumDimension).contains(width), (1...Self.maximumDimension).contains(height) else {
            throw PNGFormatError("image size \(width)×\(height) is invalid (each side must be 1...\(Self.maximumDimension))")
        }
        guard let colorType = ColorType(rawValue: b[9]) else {
            throw PNGFormatError("colour type \(b[9]) is invalid (expected 0, 2, 3, 4 or 6)")
        }
        self.colorType = colorType
        guard colorType.allowedBitDepths.contains(bitDepth) else {
            throw PNGFormatError(
                "bit depth \(bitDepth) is invalid for colour type \(colorType.rawValue) (\(colorType.name)); "
                    + "allowed: \(colorType.allowedBitDepths.map(String.init).joined(separator: ", "))")
        }
        guard b[10] == 0 else { throw PNGFormatError("compression method \(b[10]) is unknown (expected 0)") }
        guard b[11] == 0 else { throw PNGFormatError("filter method \(b[11]) is unknown (expected 0)") }
        guard b[12] <= 1 else { throw PNGFormatError("interlace method \(b[12]) is unknown (expected 0 or 1)") }
        interlaced = b[12] == 1
    }

    /// Bits per pixel in the file.
    var bitsPerPixel: Int { colorType.samplesPerPixel * bitDepth }

    /// The byte distance the filters use as "the pixel to the left": at least 1.
    var filterBytesPerPixel: Int { max(1, bitsPerPixel / 8) }

    /// The bytes of one row of `width` pixels, without the filter-type byte.
    func rowByteCount(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }

    /// The passes holding at least one pixel, in file order.
    var passes: [Pass] {
        let layouts: [(Int, Int, Int, Int)] = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        return layouts.compactMap { xStart, yStart, xStep, yStep in
            let passWidth = width > xStart ? (width - xStart + xStep - 1) / xStep : 0
            let passHeight = height > yStart ? (height - yStart + yStep - 1) / yStep : 0
            guard passWidth > 0, passHeight > 0 else { return nil }
            return Pass(xStart: xStart, yStart: yStart, xStep: xStep, yStep: yStep, width: passWidth, height: passHeight)
        }
    }

    /// The size of the decompressed image data: every pass's rows with their filter bytes.
    var filteredByteCount: Int {
        passes.reduce(0) { $0 + $1.height * (1 + rowByteCount(width: $1.width)) }
    }
}

/// Why a PNG file was rejected; the decoder adds the function and the source.
struct PNGFormatError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
