extension String {
    /// The string with spaces in front, to at least `width` characters (Python's `rjust`).
    func leftPadded(toWidth width: Int) -> String {
        String(repeating: " ", count: Swift.max(width - count, 0)) + self
    }

    /// The string with spaces behind, to at least `width` characters (Python's `ljust`).
    func rightPadded(toWidth width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(width - count, 0))
    }

    /// The string without its trailing spaces (Python's `rstrip()` on a line of an array).
    func trimmingTrailingSpaces() -> String {
        var trimmed = Substring(self)
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
