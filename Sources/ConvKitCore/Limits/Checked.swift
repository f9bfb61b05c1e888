/// Overflow-checked arithmetic on sizes and counts that come from a user or a file.
///
/// This is the one place ConvKit states the rule: a shape, pad, stride, batch size, epoch or
/// count read from an argument, a model spec, a checkpoint, a suite or a file header is
/// combined only through these functions, which throw a ``ConvKitError`` naming the function
/// and the value instead of trapping on overflow. Sizes inside a kernel, derived from values
/// already checked here, use plain arithmetic.
///
/// ```swift
/// let padded = try Checked.sum(height, pad.top, pad.bottom, what: "padded height", in: "conv2dForward")
/// ```
public enum Checked {
    /// `terms` added, or an error naming `what` when the sum leaves `Int`.
    public static func sum(_ terms: Int..., what: @autoclosure () -> String, in function: String) throws -> Int {
        try sum(terms, what: what(), in: function)
    }

    /// `terms` added, or an error naming `what` when the sum leaves `Int`.
    public static func sum(_ terms: [Int], what: @autoclosure () -> String, in function: String) throws -> Int {
        var total = 0
        for term in terms {
            let (next, overflow) = total.addingReportingOverflow(term)
            guard !overflow else { throw overflowError(what(), terms, "+", function) }
            total = next
        }
        return total
    }

    /// `a - b`, or an error naming `what` when the difference leaves `Int`.
    public static func difference(_ a: Int, _ b: Int, what: @autoclosure () -> String, in function: String) throws -> Int {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow else { throw overflowError(what(), [a, b], "-", function) }
        return result
    }

    /// `factors` multiplied, or an error naming `what` when the product leaves `Int`.
    public static func product(_ factors: Int..., what: @autoclosure () -> String, in function: String) throws -> Int {
        try product(factors, what: what(), in: function)
    }

    /// `factors` multiplied, or an error naming `what` when the product leaves `Int`.
    public static func product(_ factors: [Int], what: @autoclosure () -> String, in function: String) throws -> Int {
        var total = 1
        for factor in factors {
            let (next, overflow) = total.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw overflowError(what(), factors, "×", function) }
            total = next
        }
        return total
    }

    /// ⌈`a` / `b`⌉ for `a ≥ 0`, `b ≥ 1`, without the `a + b - 1` that overflows.
    public static func ceilingDivision(_ a: Int, _ b: Int) -> Int {
        a / b + (a % b == 0 ? 0 : 1)
    }

    /// Checks that `value` lies in `range`, or throws naming `what`.
    public static func inRange(
        _ value: Int, _ range: ClosedRange<Int>, what: @autoclosure () -> String, in function: String
    ) throws {
        guard range.contains(value) else {
            throw ConvKitError(function, "\(what()) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }

    private static func overflowError(_ what: String, _ operands: [Int], _ operation: String, _ function: String) -> ConvKitError {
        let shown = operands.map(String.init).joined(separator: " \(operation) ")
        return ConvKitError(function, "\(what) overflows: \(shown) is larger than Int.max (\(Int.max))")
    }
}
