import Foundation

/// One JSON object of a `tokenizer.json` file with typed access to its fields; every failure is a
/// ``SentenceEncoderError/invalidTokenizer(path:component:reason:)`` naming the file and the
/// component (`normalizer.normalizers[1] (Precompiled)`).
struct JSONComponent {
    /// The object's members, in file order.
    let members: [(key: String, value: JSONValue)]
    /// The file it came from.
    let path: String
    /// Where the object sits in the file (`model`, `pre_tokenizer.pretokenizers[0]`).
    let location: String

    /// Wraps `value`, which must be a JSON object.
    init(_ value: JSONValue?, path: String, location: String) throws {
        guard case .object(let members)? = value else {
            throw SentenceEncoderError.invalidTokenizer(
                path: path, component: location, reason: "expected an object, found \(value?.summary ?? "nothing")")
        }
        self.members = members
        self.path = path
        self.location = location
    }

    /// The member `key` (the last one when repeated), or `nil`.
    subscript(key: String) -> JSONValue? {
        members.last(where: { $0.key == key })?.value
    }

    /// The component's `type` field, or `nil` when absent.
    var type: String? {
        if case .string(let type)? = self["type"] { return type }
        return nil
    }

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
        switch self[key] {
        case nil, .null?: return true
        default: return false
        }
    }

    /// A required string field.
    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw invalid("missing \"\(key)\"") }
        return value
    }

    /// A string field; `nil` when absent or null.
    func optionalString(_ key: String) throws -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw wrongType(key, expected: "a string")
        }
    }

    /// A Boolean field; `defaultValue` when absent or null (required when `defaultValue` is `nil`).
    func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
        switch self[key] {
        case nil, .null?:
            guard let defaultValue else { throw invalid("missing \"\(key)\"") }
            return defaultValue
        case .bool(let value)?: return value
        default: throw wrongType(key, expected: "true or false")
        }
    }

    /// An optional Boolean field (`nil` when absent or null).
    func optionalBool(_ key: String) throws -> Bool? {
        isAbsent(key) ? nil : try bool(key)
    }

    /// An integer field; `defaultValue` when absent or null (required when `defaultValue` is `nil`).
    func int(_ key: String, default defaultValue: Int? = nil) throws -> Int {
        guard let value = self[key], !isAbsent(key) else {
            guard let defaultValue else { throw invalid("missing \"\(key)\"") }
            return defaultValue
        }
        guard let int = JSONComponent.int(value) else { throw wrongType(key, expected: "an integer") }
        return int
    }

    /// An optional integer field (`nil` when absent or null).
    func optionalInt(_ key: String) throws -> Int? {
        isAbsent(key) ? nil : try int(key)
    }

    /// A required array field.
    func array(_ key: String) throws -> [JSONValue] {
        switch self[key] {
        case nil, .null?: throw invalid("missing \"\(key)\"")
        case .array(let elements)?: return elements
        default: throw wrongType(key, expected: "an array")
        }
    }

    /// A required object field, as a component at `location.key`.
    func component(_ key: String) throws -> JSONComponent {
        guard !isAbsent(key) else { throw invalid("missing \"\(key)\"") }
        return try JSONComponent(self[key], path: path, location: "\(location).\(key)")
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

    /// The error for a field of the wrong type.
    func wrongType(_ key: String, expected: String) -> SentenceEncoderError {
        invalid("\"\(key)\" must be \(expected), found \(self[key]?.summary ?? "nothing")")
    }

    /// A JSON integer (a number with no fraction, within ±2^53), or `nil`.
    static func int(_ value: JSONValue) -> Int? {
        guard case .number(let double) = value, double.rounded() == double, abs(double) <= 9_007_199_254_740_992 else { return nil }
        return Int(double)
    }

    /// A token id: an integer in `0...Int32.max`, or `nil`.
    static func id(_ value: JSONValue) -> Int32? {
        guard let int = int(value), (0...Int(Int32.max)).contains(int) else { return nil }
        return Int32(int)
    }

    /// The root object of the `tokenizer.json` file at `url`.
    ///
    /// - Throws: ``SentenceEncoderError/missingFile(path:)``, `unreadableFile`, or `invalidJSON`
    ///   naming the byte offset of the first error.
    static func root(contentsOf url: URL) throws -> JSONComponent {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SentenceEncoderError.missingFile(path: url.path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SentenceEncoderError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse([UInt8](data))
        } catch {
            throw SentenceEncoderError.invalidJSON(path: url.path, reason: error.description)
        }
        guard case .object = value else {
            throw SentenceEncoderError.invalidJSON(path: url.path, reason: "top level is not an object")
        }
        return try JSONComponent(value, path: url.path, location: "tokenizer")
    }
}
