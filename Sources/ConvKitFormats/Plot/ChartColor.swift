import ConvKitCore
/// An opaque 8-bit RGB colour for charts and image helpers.
public struct ChartColor: Sendable, Equatable {
    /// Red, 0...255.
    public var red: UInt8
    /// Green, 0...255.
    public var green: UInt8
    /// Blue, 0...255.
    public var blue: UInt8

    /// Creates a colour from its components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A gray level: `red == green == blue == level`.
    public init(gray level: UInt8) {
        self.init(red: level, green: level, blue: level)
    }

    /// The colours given to series without one, in order (matplotlib's "tab10" palette).
    public static let palette: [ChartColor] = [
        ChartColor(red: 31, green: 119, blue: 180),   // blue
        ChartColor(red: 255, green: 127, blue: 14),   // orange
        ChartColor(red: 44, green: 160, blue: 44),    // green
        ChartColor(red: 214, green: 39, blue: 40),    // red
        ChartColor(red: 148, green: 103, blue: 189),  // purple
        ChartColor(red: 140, green: 86, blue: 75),    // brown
        ChartColor(red: 227, green: 119, blue: 194),  // pink
        ChartColor(red: 127, green: 127, blue: 127),  // gray
    ]

    /// White.
    public static let white = ChartColor(gray: 255)
    /// Black.
    public static let black = ChartColor(gray: 0)
}
