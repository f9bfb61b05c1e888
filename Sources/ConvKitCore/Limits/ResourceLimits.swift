import Foundation
import Synchronization

/// The largest amount of memory ConvKit allocates for one tensor, model or data set.
///
/// Sizes from a user or a file (a model spec, a checkpoint's metadata, an `.npy` header, an
/// archive member) are checked against this limit before anything is allocated, so that a
/// typo or a lying file gets a message with the size it would need instead of exhausting the
/// machine. The default is half the physical memory; the environment variable
/// `CONVKIT_MEMORY_LIMIT` (bytes, or with a `K`, `M`, `G` or `T` suffix, e.g. `4G`) or
/// ``maximumBytes`` sets another.
public enum ResourceLimits {
    /// The limit in bytes; values below 1 MiB count as 1 MiB.
    public static var maximumBytes: Int {
        get { setting.load(ordering: .relaxed) }
        set { setting.store(Swift.max(newValue, 1 << 20), ordering: .relaxed) }
    }

    private static let setting = Atomic<Int>(defaultBytes())

    /// Half the physical memory, or `CONVKIT_MEMORY_LIMIT` when it parses.
    static func defaultBytes() -> Int {
        if let text = ProcessInfo.processInfo.environment["CONVKIT_MEMORY_LIMIT"], let bytes = parseBytes(text) {
            return Swift.max(bytes, 1 << 20)
        }
        let physical = ProcessInfo.processInfo.physicalMemory
        return Int(clamping: physical / 2)
    }

    /// `"4G"`, `"512M"`, `"1000000"`: a byte count, or nil when the text is not one.
    public static func parseBytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        var scale = 1
        if digits.last == "B" { digits = digits.dropLast() }
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    /// Checks that `count` elements of `elementBytes` bytes each fit under the limit.
    ///
    /// - Throws: ``ConvKitError`` naming `function` and `what`, with the size needed.
    public static func check(
        elements count: Int, of elementBytes: Int, what: @autoclosure () -> String, in function: String
    ) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementBytes)
        let limit = maximumBytes
        guard overflow || bytes > limit else { return }
        let needed = overflow ? "more than \(Int.max) bytes" : describe(bytes: bytes)
        throw ConvKitError(
            function,
            "\(what()) would need \(needed), more than the memory limit of \(describe(bytes: limit)) "
                + "(set CONVKIT_MEMORY_LIMIT to raise it)")
    }

    /// `1536` → `"1.5 KiB"`; exact bytes below 1 KiB.
    public static func describe(bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}
