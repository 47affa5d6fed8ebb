import EmbedQ
import Foundation

/// Files the collection commands read: payload lines and filters.
enum CollectionInput {
    /// One payload per non-empty line of a JSON-lines file.
    ///
    /// - Throws: ``CollectionError/invalidPayload(context:reason:)`` naming the line.
    static func payloads(_ path: String) throws -> [Payload] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
        var payloads: [Payload] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            payloads.append(try Payload(json: line, context: "\(path) line \(number + 1)"))
        }
        return payloads
    }

    /// A filter given inline (`{…}`) or as `@FILE`.
    static func filter(_ argument: String) throws -> PayloadFilter {
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the filter file") }
            return try PayloadFilter(json: [UInt8](data))
        }
        return try PayloadFilter(json: argument)
    }
}
