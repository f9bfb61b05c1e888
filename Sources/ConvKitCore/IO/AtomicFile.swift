import Foundation

/// Writes files so that readers never see a half-written one, and so that a path that names a
/// symbolic link or a device is written through, never replaced.
public enum AtomicFile {
    /// Writes `data` to `url` atomically (see ``write(to:function:byteCount:_:)``).
    ///
    /// - Throws: ``ConvKitError`` naming `function` when the file cannot be written.
    public static func write(_ data: Data, to url: URL, function: String) throws {
        try write(to: url, function: function, byteCount: data.count) { temporary in
            try data.write(to: temporary)
        }
    }

    /// Lets `produce` create a temporary file beside the destination, flushes it to the disk,
    /// then renames it over the destination (a rename within one directory is atomic on POSIX
    /// file systems). The temporary file is removed if anything fails.
    ///
    /// A symbolic link is followed: the file it names is replaced, the link stays. A path that
    /// names something other than a regular file or a directory (a device such as `/dev/null`, a
    /// FIFO) is written directly, as `produce` writes the temporary file.
    ///
    /// - Parameter byteCount: the size to mention in error messages, when known.
    /// - Throws: ``ConvKitError`` naming `function`; a ``ConvKitError`` from `produce` is passed on.
    public static func write(
        to url: URL, function: String, byteCount: Int? = nil, _ produce: (URL) throws -> Void
    ) throws {
        let size = byteCount.map { " (\($0) bytes)" } ?? ""
        let target = resolvingLinks(url)
        var status = stat()
        if stat(target.path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                throw ConvKitError(function, "cannot write \(url.path): it is a directory")
            case S_IFREG:
                break
            default:
                do {
                    try produce(target)
                } catch let error as ConvKitError {
                    throw error
                } catch {
                    throw ConvKitError(function, "cannot write \(url.path)\(size): \(error.localizedDescription)")
                }
                return
            }
        }
        let temporary = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try produce(temporary)
            try flush(temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? ConvKitError { throw error }
            throw ConvKitError(function, "cannot write \(url.path)\(size): \(error.localizedDescription)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ConvKitError(function, "cannot move the new file into place at \(url.path)\(size): \(reason)")
        }
    }

    /// `url` with symbolic links followed, as far as they lead (a dangling link names the file
    /// to create).
    static func resolvingLinks(_ url: URL) -> URL {
        var current = url
        for _ in 0..<40 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else {
                return current
            }
            current = destination.hasPrefix("/")
                ? URL(fileURLWithPath: destination)
                : current.deletingLastPathComponent().appendingPathComponent(destination)
        }
        return current
    }

    /// Writes the file's data to the disk (so that the rename never exposes a file whose bytes
    /// are still only in memory when the machine stops).
    private static func flush(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
