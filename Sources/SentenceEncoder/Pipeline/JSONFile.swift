import Foundation

/// Reads a JSON file into a dictionary, mapping every failure to a ``SentenceEncoderError`` that
/// names the file.
enum JSONFile {
    /// The top-level object of the JSON file at `url`.
    ///
    /// - Throws: ``SentenceEncoderError/missingFile(path:)``,
    ///   ``SentenceEncoderError/unreadableFile(path:reason:)`` or
    ///   ``SentenceEncoderError/invalidJSON(path:reason:)``.
    static func object(at url: URL) throws -> [String: Any] {
        try object(in: try contents(of: url), path: url.path)
    }

    /// The top-level object of the JSON text `data`; `path` names it in errors.
    ///
    /// - Throws: ``SentenceEncoderError/invalidJSON(path:reason:)``.
    static func object(in data: Data, path: String) throws -> [String: Any] {
        guard let object = try any(in: data, path: path) as? [String: Any] else {
            throw SentenceEncoderError.invalidJSON(path: path, reason: "top level is not an object")
        }
        return object
    }

    /// The top-level value (object or array) of the JSON file at `url`.
    static func any(at url: URL) throws -> Any {
        try any(in: try contents(of: url), path: url.path)
    }

    /// The bytes of the file at `url`.
    private static func contents(of url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SentenceEncoderError.missingFile(path: url.path)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw SentenceEncoderError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
    }

    /// The top-level value of the JSON text `data`; `path` names it in errors.
    private static func any(in data: Data, path: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw SentenceEncoderError.invalidJSON(path: path, reason: "\(error.localizedDescription)")
        }
    }
}

/// Typed access to the values of one JSON object, with errors naming the file and key.
struct JSONObjectReader {
    /// The object read.
    let object: [String: Any]
    /// The file it came from, for error messages.
    let path: String

    /// An integer value, `defaultValue` when the key is absent or null.
    func int(_ key: String, default defaultValue: Int? = nil) throws -> Int {
        guard let value = object[key], !(value is NSNull) else {
            if let defaultValue { return defaultValue }
            throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "missing")
        }
        if let number = value as? NSNumber, !(value is Bool) {
            let double = number.doubleValue
            if double.rounded() == double, abs(double) < 1e15 { return Int(double) }
        }
        if let int = value as? Int { return int }
        throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "not an integer: \(value)")
    }

    /// A floating-point value, `defaultValue` when the key is absent or null.
    func double(_ key: String, default defaultValue: Double? = nil) throws -> Double {
        guard let value = object[key], !(value is NSNull) else {
            if let defaultValue { return defaultValue }
            throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "missing")
        }
        if let number = value as? NSNumber { return number.doubleValue }
        if let double = value as? Double { return double }
        throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "not a number: \(value)")
    }

    /// A Boolean value; `nil` when the key is absent or null.
    func optionalBool(_ key: String) throws -> Bool? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        if let bool = value as? Bool { return bool }
        if let number = value as? NSNumber { return number.boolValue }
        throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "not a Boolean: \(value)")
    }

    /// A string value; `nil` when the key is absent or null.
    func optionalString(_ key: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        if let string = value as? String { return string }
        throw SentenceEncoderError.invalidConfiguration(path: path, key: key, reason: "not a string: \(value)")
    }
}
