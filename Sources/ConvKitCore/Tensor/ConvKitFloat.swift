/// The element types ConvKit computes with: `Float` (fast training) and `Double`
/// (reproduces the course's published numbers to the last digit).
public protocol ConvKitFloat: BinaryFloatingPoint, SIMDScalar, Sendable, LosslessStringConvertible, Codable {
    /// The element's name in messages and benchmark tables: `"Float"` or `"Double"`.
    static var typeName: String { get }
}

extension Float: ConvKitFloat {
    public static var typeName: String { "Float" }
}

extension Double: ConvKitFloat {
    public static var typeName: String { "Double" }
}
