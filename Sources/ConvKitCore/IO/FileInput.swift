import Foundation

/// Reads whole input files with messages a user can act on: a missing file, a directory, a
/// FIFO or device, an unreadable or oversized file each get their own sentence naming the path,
/// never a Foundation error code.
public enum FileInput {
    /// The contents of the regular file at `url`.
    ///
    /// - Parameters:
    ///   - role: what the file is, for messages (`"images file"`: "cannot read images file …").
    ///   - limit: the largest size accepted, in bytes (default: the memory limit of ``ResourceLimits``).
    /// - Throws: ``ConvKitError`` naming `function` and the path.
    public static func read(_ url: URL, function: String, role: String? = nil, limit: Int? = nil) throws -> Data {
        let path = (role.map { $0 + " " } ?? "") + url.path
        let size = try regularFileSize(url, function: function, role: role)
        let most = limit ?? ResourceLimits.maximumBytes
        guard size <= most else {
            throw ConvKitError(
                function,
                "\(path) holds \(ResourceLimits.describe(bytes: size)), more than the limit of "
                    + "\(ResourceLimits.describe(bytes: most)) (set CONVKIT_MEMORY_LIMIT to raise it)")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ConvKitError(function, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw ConvKitError(function, "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// The size of the regular file at `url`.
    ///
    /// - Throws: ``ConvKitError`` naming `function` (and `role`) when the path does not exist,
    ///   cannot be examined, or is not a regular file.
    public static func regularFileSize(_ url: URL, function: String, role: String? = nil) throws -> Int {
        let path = (role.map { $0 + " " } ?? "") + url.path
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw ConvKitError(function, "cannot read \(path): \(reason)")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            return Int(status.st_size)
        case S_IFDIR:
            throw ConvKitError(function, "\(path) is a directory, not a file")
        case S_IFIFO:
            throw ConvKitError(function, "\(path) is a FIFO, not a regular file")
        default:
            throw ConvKitError(function, "\(path) is a device or socket, not a regular file")
        }
    }
}
