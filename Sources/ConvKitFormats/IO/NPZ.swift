import ConvKitCore
import Foundation
import ZIPFoundation

/// Reads and writes numpy's `.npz` archives: zip files of `.npy` members, as written by
/// `np.savez` (stored) and `np.savez_compressed` (deflated).
///
/// ```swift
/// let parameters = try NPZ.read(contentsOf: URL(fileURLWithPath: "weights.npz"))
/// let w1: Tensor<Double> = try NPZ.member("W1", of: parameters, source: "weights.npz").floats()
/// try NPZ.write(["W1": NPYArray(w1)], to: URL(fileURLWithPath: "copy.npz"))
/// ```
///
/// Archives are read from and written to files, never built in memory: ZIPFoundation's
/// in-memory archives trap on some damaged input, its file-backed ones throw.
public enum NPZ {
    /// The modification date stamped on written members: fixed, so equal arrays give equal files.
    private static let memberDate = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01

    /// Reads an `.npz` archive; the keys are the member names without `.npy`.
    ///
    /// - Throws: ``ConvKitError`` when the file cannot be read, is not a zip archive, is
    ///   damaged (a member fails its CRC-32 check or the directory cannot be read in full),
    ///   holds a member that is not a valid `.npy` file, or holds two members with the same key.
    public static func read(contentsOf url: URL) throws -> [String: NPYArray] {
        try read(url, source: url.path, function: "NPZ.read")
    }

    /// Decodes the bytes of an `.npz` archive (see ``read(contentsOf:)``), through a temporary
    /// file: ZIPFoundation's in-memory archives trap on some damaged archives its file
    /// archives refuse.
    ///
    /// - Parameter source: what the bytes are, e.g. a file path; it appears in error messages.
    public static func decode(_ data: Data, source: String = "data") throws -> [String: NPYArray] {
        let function = "NPZ.decode"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-\(UUID().uuidString).npz")
        do {
            try data.write(to: url)
        } catch {
            throw ConvKitError(function, "cannot hold \(source) in a temporary file: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        return try read(url, source: source, function: function)
    }

    private static func read(_ url: URL, source: String, function: String) throws -> [String: NPYArray] {
        let size = try FileInput.regularFileSize(url, function: function)
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw ConvKitError(function, "\(source) is not a zip archive: \(error)")
        }
        var arrays = [String: NPYArray]()
        var entryCount = 0
        for entry in archive {
            entryCount += 1
            if entry.type == .directory { continue }
            let name = entry.path
            guard entry.type == .file, name.hasSuffix(".npy") else {
                throw ConvKitError(function, "\(source): member '\(name)' is not an .npy file")
            }
            let key = String(name.dropLast(4))
            guard arrays[key] == nil else {
                throw ConvKitError(function, "\(source): member '\(name)' appears twice")
            }
            // The directory announces each member's size: check it against the memory limit, then
            // hold the member to it while inflating, so a lying archive cannot inflate without bound.
            let announced = Int(clamping: entry.uncompressedSize)
            try ResourceLimits.check(elements: announced, of: 1, what: "\(source) member '\(name)'", in: function)
            // Deflate expands at most 1032-fold: an announced size beyond that is a lie, refused
            // before anything is reserved for it.
            let most = Int(clamping: entry.compressedSize).multipliedReportingOverflow(by: 1032)
            guard most.overflow || announced <= most.partialValue + 1024 else {
                throw ConvKitError(
                    function,
                    "\(source): member '\(name)' announces \(announced) bytes from \(entry.compressedSize) compressed, "
                        + "more than deflate can produce")
            }
            var bytes = Data()
            bytes.reserveCapacity(announced)
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, skipCRC32: false) { piece in
                    guard bytes.count + piece.count <= announced else {
                        throw ConvKitError(
                            function,
                            "\(source): member '\(name)' inflates to more than the \(announced) bytes the archive announces")
                    }
                    bytes.append(piece)
                }
            } catch let error as ConvKitError {
                throw error
            } catch {
                throw ConvKitError(
                    function,
                    "\(source): cannot extract member '\(name)' (\(entry.compressedSize) bytes in the archive): \(error)")
            }
            // ZIPFoundation returns the checksum of what it extracted but leaves the comparison to us.
            guard checksum == entry.checksum, UInt64(bytes.count) == entry.uncompressedSize else {
                throw ConvKitError(
                    function,
                    "\(source): member '\(name)' is corrupt: \(bytes.count) bytes with CRC-32 \(hex(checksum)) extracted, "
                        + "the archive says \(entry.uncompressedSize) bytes with CRC-32 \(hex(entry.checksum))")
            }
            arrays[key] = try NPY.decode(bytes, source: "\(source) member '\(name)'", function: function)
        }
        if let announced = ZipEntryCount.announced(in: url, size: size), announced != entryCount {
            throw ConvKitError(
                function,
                "\(source): the zip directory announces \(announced) members but only \(entryCount) could be read")
        }
        return arrays
    }

    /// Writes `arrays` to an `.npz` archive, atomically, each as member `key.npy` (in key order).
    ///
    /// - Parameter compressed: deflate the members like `np.savez_compressed` (the default),
    ///   or store them like `np.savez`.
    /// - Throws: ``ConvKitError`` for an empty key or when the file cannot be written.
    public static func write(_ arrays: [String: NPYArray], to url: URL, compressed: Bool = true) throws {
        let function = "NPZ.write"
        if arrays.keys.contains("") {
            throw ConvKitError(function, "a key is empty; every array needs a name (keys: \(arrays.keys.sorted()))")
        }
        try AtomicFile.write(to: url, function: function) { temporary in
            // The archive is closed (and flushed) when it goes out of scope, before the rename.
            let archive = try Archive(url: temporary, accessMode: .create)
            for key in arrays.keys.sorted() {
                guard let array = arrays[key] else { continue }
                let member = NPY.encode(array)
                try archive.addEntry(
                    with: key + ".npy", type: .file, uncompressedSize: Int64(member.count),
                    modificationDate: memberDate, compressionMethod: compressed ? .deflate : .none
                ) { position, size in
                    let start = member.startIndex + Int(position)
                    return member.subdata(in: start ..< start + size)
                }
            }
        }
    }

    private static func hex(_ checksum: CRC32) -> String {
        let digits = String(checksum, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The member `key` of a read archive.
    ///
    /// - Parameter source: the archive's name for the error message.
    /// - Throws: ``ConvKitError`` listing the keys that exist when `key` is missing.
    public static func member(_ key: String, of arrays: [String: NPYArray], source: String = "npz") throws -> NPYArray {
        guard let array = arrays[key] else {
            let keys = arrays.keys.sorted().joined(separator: ", ")
            throw ConvKitError("NPZ.member", "\(source) has no member '\(key)' (members: \(keys.isEmpty ? "none" : keys))")
        }
        return array
    }
}
