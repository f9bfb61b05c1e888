import Foundation

/// One published value of the course compared with what ConvKit computes.
public struct CourseCheck: Sendable {
    /// What is checked, e.g. `"np.mean(Z)"`.
    public let label: String
    /// ConvKit's value as numpy would print it.
    public let computed: String
    /// The published value, printed the same way.
    public let expected: String
    /// Whether the two agree: relative error ≤ 1e-12 for full-precision scalars, identical
    /// 8-decimal digits for printed arrays, equality for integers and Booleans.
    public let passed: Bool

    /// A full-precision scalar against its published value (relative error ≤ 1e-12).
    static func scalar(_ label: String, _ value: Double, expected: Double) -> CourseCheck {
        let error = abs(value - expected) / Swift.max(abs(expected), .leastNormalMagnitude)
        return CourseCheck(label: label, computed: "\(value)", expected: "\(expected)", passed: error <= 1e-12)
    }

    /// An array against its published 8-decimal print-out: the shapes must match and every
    /// element must print the same digits.
    static func printed(_ label: String, _ value: Tensor<Double>, expected: [Double], shape: [Int]) -> CourseCheck {
        let reference = Tensor(uncheckedShape: shape, scalars: expected)
        let eightDigits = { (x: Double) in String(format: "%.8f", x) }
        let passed = value.shape == shape && value.scalars.map(eightDigits) == expected.map(eightDigits)
        return CourseCheck(
            label: label, computed: String(describing: value), expected: String(describing: reference), passed: passed)
    }

    /// Exact equality, for shapes, integers and Booleans.
    static func exact<S: Equatable & Sendable>(_ label: String, _ value: Tensor<S>, expected: Tensor<S>) -> CourseCheck {
        CourseCheck(label: label, computed: String(describing: value), expected: String(describing: expected), passed: value == expected)
    }

    /// A shape against the published one.
    static func shape(_ label: String, _ value: [Int], expected: [Int]) -> CourseCheck {
        let show = { (s: [Int]) in "(" + s.map(String.init).joined(separator: ", ") + ")" }
        return CourseCheck(label: label, computed: show(value), expected: show(expected), passed: value == expected)
    }
}

/// One example of the course: the code it runs and the published values it must reproduce.
public struct CourseExample: Sendable {
    /// The course function the example exercises, e.g. `"conv_forward"`.
    public let title: String
    /// The example's numpy code, for reading beside the output.
    public let code: String
    let body: @Sendable () throws -> [CourseCheck]

    /// Runs the example with ConvKit and compares each result with its published value.
    public func run() throws -> [CourseCheck] { try body() }
}
