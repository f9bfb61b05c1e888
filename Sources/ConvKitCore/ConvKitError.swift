/// The single error type every ConvKit function throws for bad input.
///
/// The message names the function, the argument and the shapes involved, so that one line is
/// enough to see what went wrong:
/// `conv2dForward: weight expects 3 input channels but input has 4 (input [2, 5, 7, 4], weight [3, 3, 3, 8])`.
public struct ConvKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The function (or file reader) that rejected its input, e.g. `"conv2dForward"`.
    public let function: String
    /// What was wrong, without the function name.
    public let reason: String

    /// Creates an error raised by `function` because of `reason`.
    public init(_ function: String, _ reason: String) {
        self.function = function
        self.reason = reason
    }

    /// `"function: reason"`, the one line the CLI prints.
    public var message: String { "\(function): \(reason)" }

    public var description: String { message }
}

/// Formats a shape the way error messages show it: `[2, 5, 7, 4]`.
@inlinable
package func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
