#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The payload of a point: a JSON object whose fields are strings, numbers, booleans or arrays of
/// them (Qdrant's payload, without nested objects). Filters (``PayloadFilter``) select points by it.
public struct Payload: Sendable, Hashable, Codable {
    /// The fields by key.
    public var fields: [String: PayloadValue]

    /// A payload with `fields` (an empty payload when none are given).
    public init(_ fields: [String: PayloadValue] = [:]) {
        self.fields = fields
    }

    /// The value of `key`, if the payload has it.
    public subscript(key: String) -> PayloadValue? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// Whether the payload has no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Parses a JSON object (UTF-8).
    ///
    /// - Parameter context: where the text came from, for the error (e.g. `"P.jsonl line 3"`).
    /// - Throws: ``CollectionError/invalidPayload(context:reason:)`` for anything but an object
    ///   of supported values.
    public init(json: some Collection<UInt8>, context: String) throws(CollectionError) {
        do {
            self = try JSONDecoder().decode(Payload.self, from: Data(json))
        } catch let error as DecodingError {
            throw .invalidPayload(context: context, reason: Self.reason(error))
        } catch {
            throw .invalidPayload(context: context, reason: "not valid JSON")
        }
    }

    /// Decodes a JSON object of supported values.
    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: PayloadValue].self)
    }

    /// Encodes the payload as a JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }

    /// The payload as compact JSON text, keys sorted.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, finite numbers and booleans cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A short reason for a decoding error: the path to the bad value and what was expected.
    static func reason(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : "at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys): "
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if context.codingPath.isEmpty, context.debugDescription.contains("JSON") || context.underlyingError != nil {
                return "not valid JSON"
            }
            if context.codingPath.isEmpty { return "expected a JSON object" }
            return path(context) + context.debugDescription
        case .keyNotFound(let key, let context):
            return path(context) + "missing key '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }
}
