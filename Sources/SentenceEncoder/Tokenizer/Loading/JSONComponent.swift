import Foundation

/// One JSON object of a `tokenizer.json` file with typed access to its fields; every failure is a
/// ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` naming the file and the
/// component (`normalizer.normalizers[1] (Precompiled)`).
struct JSONComponent {
    /// The object's fields.
    let object: [String: Any]
    /// The file it came from.
    let path: String
    /// Where the object sits in the file (`model`, `pre_tokenizer.pretokenizers[0]`).
    let location: String

    /// Wraps `value`, which must be a JSON object.
    init(_ value: Any?, path: String, location: String) throws {
        guard let object = value as? [String: Any] else {
            throw SentenceEncoderError.invalidTokenizer(
                path: path, component: location, reason: "expected an object, found \(JSONComponent.describe(value))")
        }
        self.object = object
        self.path = path
        self.location = location
    }

    /// The component's `type` field, or `nil` when absent.
    var type: String? { object["type"] as? String }

    /// The location and type, as errors name the component: `normalizer (Precompiled)`.
    var name: String { type.map { "\(location) (\($0))" } ?? location }

    /// An error about this component.
    func invalid(_ reason: String) -> SentenceEncoderError {
        .invalidTokenizer(path: path, component: name, reason: reason)
    }

    /// The error for a `type` this interpreter does not implement.
    func unsupported() -> SentenceEncoderError {
        .unsupportedTokenizerComponent(path: path, component: location, type: type ?? "(no type)")
    }

    /// Whether `key` is absent or JSON null.
    func isAbsent(_ key: String) -> Bool {
        object[key] == nil || object[key] is NSNull
    }

    /// A required string field.
    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw invalid("missing \"\(key)\"") }
        return value
    }

    /// A string field; `nil` when absent or null.
    func optionalString(_ key: String) throws -> String? {
        if isAbsent(key) { return nil }
        guard let value = object[key] as? String else { throw wrongType(key, expected: "a string") }
        return value
    }

    /// A Boolean field; `defaultValue` when absent or null (required when `defaultValue` is `nil`).
    func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
        if isAbsent(key) {
            guard let defaultValue else { throw invalid("missing \"\(key)\"") }
            return defaultValue
        }
        guard let value = object[key], let bool = JSONComponent.bool(value) else { throw wrongType(key, expected: "true or false") }
        return bool
    }

    /// An optional Boolean field (`nil` when absent or null).
    func optionalBool(_ key: String) throws -> Bool? {
        isAbsent(key) ? nil : try bool(key)
    }

    /// A non-negative integer field; `defaultValue` when absent or null (required when `nil`).
    func int(_ key: String, default defaultValue: Int? = nil) throws -> Int {
        if isAbsent(key) {
            guard let defaultValue else { throw invalid("missing \"\(key)\"") }
            return defaultValue
        }
        guard let value = JSONComponent.int(object[key]) else { throw wrongType(key, expected: "an integer") }
        return value
    }

    /// An optional integer field (`nil` when absent or null).
    func optionalInt(_ key: String) throws -> Int? {
        isAbsent(key) ? nil : try int(key)
    }

    /// A required array field.
    func array(_ key: String) throws -> [Any] {
        guard !isAbsent(key) else { throw invalid("missing \"\(key)\"") }
        guard let value = object[key] as? [Any] else { throw wrongType(key, expected: "an array") }
        return value
    }

    /// A required object field, as a component at `location.key`.
    func component(_ key: String) throws -> JSONComponent {
        guard !isAbsent(key) else { throw invalid("missing \"\(key)\"") }
        return try JSONComponent(object[key], path: path, location: "\(location).\(key)")
    }

    /// The elements of the array field `key`, each an object component at `location.key[i]`.
    func components(_ key: String) throws -> [JSONComponent] {
        try array(key).enumerated().map { try JSONComponent($1, path: path, location: "\(location).\(key)[\($0)]") }
    }

    /// A one-character string field (a Unicode scalar).
    func scalar(_ key: String) throws -> Unicode.Scalar {
        let text = try string(key)
        let scalars = text.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else {
            throw invalid("\"\(key)\" must be one character, found \(text.debugDescription)")
        }
        return scalar
    }

    func wrongType(_ key: String, expected: String) -> SentenceEncoderError {
        invalid("\"\(key)\" must be \(expected), found \(JSONComponent.describe(object[key]))")
    }

    // MARK: - Values

    /// Whether a parsed JSON value is `true` or `false` (`JSONSerialization` gives Booleans as
    /// `NSNumber`s of Objective-C type `c`; `0 is Bool` holds for any number on Linux).
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// A JSON integer (a number with no fraction, within ±2^53), or `nil`.
    static func int(_ value: Any?) -> Int? {
        guard let value, let number = value as? NSNumber, !isBoolean(value) else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, abs(double) <= 9_007_199_254_740_992 else { return nil }
        return Int(double)
    }

    /// A JSON number, or `nil`.
    static func double(_ value: Any?) -> Double? {
        guard let value, let number = value as? NSNumber, !isBoolean(value) else { return nil }
        return number.doubleValue
    }

    /// A JSON Boolean, or `nil`.
    static func bool(_ value: Any) -> Bool? {
        guard isBoolean(value), let number = value as? NSNumber else { return nil }
        return number.boolValue
    }

    /// A short description of a JSON value for error messages.
    static func describe(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "nothing"
        case let string as String: return "the string \(string.prefix(40).debugDescription)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let value?: return "\(String(describing: value).prefix(40))"
        }
    }
}
