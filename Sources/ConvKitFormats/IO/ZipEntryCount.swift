import ConvKitCore
import Foundation

/// The member count a zip file's end-of-central-directory record announces.
///
/// ZIPFoundation stops iterating, without an error, at the first central-directory record
/// it cannot parse; comparing the number of entries it produced with this count turns a
/// silently shortened listing into an error.
enum ZipEntryCount {
    /// The record's fixed size, before the variable-length comment.
    private static let recordSize = 22
    private static let signature: [UInt8] = [0x50, 0x4b, 0x05, 0x06]

    /// The announced count, or nil when no well-formed record is found or the count is
    /// deferred to a zip64 record (0xFFFF), in which case there is nothing to cross-check.
    static func announced(in url: URL, size: Int) -> Int? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        // The record sits at the end, followed only by a comment of at most 65535 bytes.
        let window = min(size, recordSize + 65_535)
        guard (try? handle.seek(toOffset: UInt64(size - window))) != nil,
              let tail = try? handle.readToEnd().map([UInt8].init) else { return nil }
        var start = tail.count - recordSize
        while start >= 0 {
            if tail[start ..< start + 4].elementsEqual(signature) {
                let commentLength = Int(tail[start + 20]) | Int(tail[start + 21]) << 8
                if start + recordSize + commentLength == tail.count {
                    let count = Int(tail[start + 10]) | Int(tail[start + 11]) << 8
                    return count == 0xffff ? nil : count
                }
            }
            start -= 1
        }
        return nil
    }
}
