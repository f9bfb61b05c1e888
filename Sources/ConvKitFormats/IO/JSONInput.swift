import ConvKitCore
import Foundation

/// Decodes JSON with messages that name the field: `suite.json: conv[2].stride: expected a
/// whole number`, not "The data isn't in the correct format".
public enum JSONInput {
    /// `data` decoded as `T`.
    ///
    /// - Throws: ``ConvKitError`` naming `function`, `source` and the field that failed.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String, function: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ConvKitError(function, "\(source): \(describe(error))")
        } catch {
            throw ConvKitError(function, "\(source) is not valid JSON: \(error.localizedDescription)")
        }
    }

    /// What went wrong and where, in words.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(name(of: type))"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(name(of: type)), found null"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        case let .dataCorrupted(context):
            let detail = context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"
            return context.codingPath.isEmpty
                ? "not valid JSON\(detail)" : "\(path(context.codingPath)): invalid value\(detail)"
        @unknown default:
            return "not valid JSON"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt32.Type: return "a whole number"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return type is any Collection.Type ? "a list" : "an object"
        }
    }
}
