import Foundation
import Testing
@testable import ConvKitCore
@testable import ConvKitFormats
@testable import ConvKitNN

/// Fixtures and helpers shared by the data-set and file-format tests.
enum FormatTestSupport {
    /// Tests/ConvKitTests/Fixtures, written by Scripts/fixtures/make_data_fixtures.py.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fixture file, e.g. `fixture("formats/png/rgb8.png")`.
    static func fixture(_ relativePath: String) -> URL {
        fixtures.appendingPathComponent(relativePath)
    }

    /// /work/shared/data, next to the repository checkout, when it exists.
    static let sharedData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    /// A fresh path in the temporary directory.
    static func temporaryURL(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ConvKitFormatTests-\(UUID().uuidString)\(suffix)")
    }

    /// A fresh, created temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = temporaryURL("")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The message `body` throws as a ConvKitError, or a description of what happened instead.
    static func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch let error as ConvKitError {
            return error.message
        } catch {
            return "not a ConvKitError: \(error)"
        }
    }

    /// Whether decoding either succeeds or throws a ConvKitError (never another error).
    static func throwsCleanly(_ body: () throws -> Any) -> Bool {
        do {
            _ = try body()
            return true
        } catch is ConvKitError {
            return true
        } catch {
            return false
        }
    }

    /// Mutations of `data` for fuzzing: every truncation length up to `truncations` points
    /// spread over the file, and `flips` random single-byte changes (deterministic).
    static func mutations(of data: Data, truncations: Int = 64, flips: Int = 300, seed: UInt32 = 1) -> [Data] {
        var cases = [Data]()
        let count = data.count
        let step = max(1, count / truncations)
        for length in stride(from: 0, to: count, by: step) { cases.append(data.prefix(length)) }
        var random = NumPyRandomState(seed: seed)
        for _ in 0..<flips {
            var copy = [UInt8](data)
            guard !copy.isEmpty else { break }
            let position = Int(random.nextUInt32() % UInt32(copy.count))
            let value = UInt8(truncatingIfNeeded: random.nextUInt32())
            copy[position] = copy[position] == value ? value &+ 1 : value
            cases.append(Data(copy))
        }
        return cases
    }

    /// Reads an .npz fixture's member as Float.
    static func floats(_ arrays: [String: NPYArray], _ key: String) throws -> Tensor<Float> {
        try NPZ.member(key, of: arrays).floats()
    }
}
