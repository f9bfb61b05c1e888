import ConvKitCore
import Foundation

/// The layer shapes of a benchmark suite (`suite.json`, the format of `../shared/bench` and of
/// `convkit bench --suite`).
public struct BenchmarkSuite: Decodable, Sendable {
    /// A convolution row: batch N, C input channels of H × W, K output channels, an R × S
    /// kernel, a stride and a symmetric pad.
    public struct Conv: Decodable, Sendable {
        public let name: String
        public let N: Int, C: Int, H: Int, W: Int, K: Int, R: Int, S: Int, stride: Int, pad: Int
    }

    /// A pooling row: `mode` is "max" or "average".
    public struct Pool: Decodable, Sendable {
        public let name: String
        public let mode: String
        public let N: Int, C: Int, H: Int, W: Int, R: Int, S: Int, stride: Int, pad: Int
    }

    /// The convolution rows.
    public let conv: [Conv]
    /// The pooling rows.
    public let pool: [Pool]

    /// Decodes and checks a suite.
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    /// - Throws: ``ConvKitError`` naming the field or row at fault.
    public static func decode(_ data: Data, source: String = "suite") throws -> BenchmarkSuite {
        let suite = try JSONInput.decode(BenchmarkSuite.self, from: data, source: source, function: "bench")
        try suite.validate(source: source)
        return suite
    }


    /// Checks every row before any is run: positive sizes and strides, padding that leaves an
    /// output, and sizes whose arithmetic fits (the tensors themselves are checked against the
    /// memory limit when they are made).
    package func validate(source: String) throws {
        func check(_ name: String, _ sizes: [(String, Int)], stride: Int, pad: Int, window: (Int, Int), input: (Int, Int)) throws {
            for (field, value) in sizes where value < 1 {
                throw ConvKitError("bench", "\(source): row '\(name)': \(field) must be at least 1, got \(value)")
            }
            guard stride >= 1 else { throw ConvKitError("bench", "\(source): row '\(name)': stride must be at least 1, got \(stride)") }
            guard pad >= 0 else { throw ConvKitError("bench", "\(source): row '\(name)': pad must not be negative, got \(pad)") }
            for (size, kernel) in [(input.0, window.0), (input.1, window.1)] {
                let padded = try Checked.sum(size, pad, pad, what: "row '\(name)': the padded input", in: "bench")
                guard padded >= kernel else {
                    throw ConvKitError("bench", "\(source): row '\(name)': a \(kernel)-wide window does not fit a padded input of \(padded)")
                }
            }
            _ = try Checked.product(sizes.map(\.1), what: "row '\(name)': the element count", in: "bench")
        }
        for c in conv {
            try check(c.name, [("N", c.N), ("C", c.C), ("H", c.H), ("W", c.W), ("K", c.K), ("R", c.R), ("S", c.S)],
                      stride: c.stride, pad: c.pad, window: (c.R, c.S), input: (c.H, c.W))
        }
        for p in pool {
            guard p.mode == "max" || p.mode == "average" else {
                throw ConvKitError("bench", "\(source): row '\(p.name)': mode must be max or average, got '\(p.mode)'")
            }
            try check(p.name, [("N", p.N), ("C", p.C), ("H", p.H), ("W", p.W), ("R", p.R), ("S", p.S)],
                      stride: p.stride, pad: p.pad, window: (p.R, p.S), input: (p.H, p.W))
        }
    }
}
