import Foundation

/// Writes files so that readers never see a half-written one.
enum AtomicFile {
    /// Writes `data` to `url` atomically (see ``write(to:function:byteCount:_:)``).
    ///
    /// - Throws: ``ConvKitError`` naming `function` when the file cannot be written.
    static func write(_ data: Data, to url: URL, function: String) throws {
        try write(to: url, function: function, byteCount: data.count) { temporary in
            try data.write(to: temporary)
        }
    }

    /// Lets `produce` create a temporary file in the destination's directory, then renames
    /// it over `url` (a rename within one directory is atomic on POSIX file systems). The
    /// temporary file is removed if anything fails.
    ///
    /// - Parameter byteCount: the size to mention in error messages, when known.
    /// - Throws: ``ConvKitError`` naming `function`; a ``ConvKitError`` from `produce` is passed on.
    static func write(
        to url: URL, function: String, byteCount: Int? = nil, _ produce: (URL) throws -> Void
    ) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let size = byteCount.map { " (\($0) bytes)" } ?? ""
        do {
            try produce(temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? ConvKitError { throw error }
            throw ConvKitError(function, "cannot write \(url.path)\(size): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ConvKitError(function, "cannot move the new file into place at \(url.path)\(size): \(reason)")
        }
    }
}
