import Foundation
import Hummingbird
import NIOCore

/// Reads request bodies under the server's size limit and decodes them, turning every failure
/// into an ``APIError`` that names the problem.
public struct RequestJSON: Sendable {
    /// The largest body accepted, in bytes (larger ones get 413).
    public let maximumBodyBytes: Int

    /// A reader for bodies of at most `maximumBodyBytes` bytes.
    public init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// The whole body of `request`.
    ///
    /// - Throws: ``APIError`` 413 when `Content-Length` or the bytes received exceed the limit.
    public func body(of request: Request) async throws -> Data {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBodyBytes {
            throw APIError.payloadTooLarge("the body has \(declared) bytes; the limit is \(maximumBodyBytes)")
        }
        do {
            var buffer = try await request.body.collect(upTo: maximumBodyBytes)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge("the body is larger than the limit of \(maximumBodyBytes) bytes")
        }
    }

    /// The body of `request` decoded as `T`.
    ///
    /// - Throws: ``APIError``: 413 for a body over the limit, 400 `invalid_json` when it is not
    ///   JSON (or not UTF-8), 400 `invalid_request` naming the field that is missing or of the
    ///   wrong type.
    public func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try Self.decode(type, from: try await body(of: request))
    }

    /// `data` decoded as `T` (see ``decode(_:from:)-(_,Request)``).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw APIError.invalidJSON("the request body is empty; expected a JSON object") }
        if let offset = firstInvalidUTF8(in: data) {
            throw APIError.invalidJSON("the body is not valid UTF-8 (byte \(offset))")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw APIError.invalidJSON("the body is not valid JSON")
        }
    }

    /// The offset of the first byte that breaks UTF-8 (overlong forms, surrogates and code points
    /// above U+10FFFF included), or `nil` when `data` is valid UTF-8.
    static func firstInvalidUTF8(in data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            let count = bytes.count
            while index < count {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int, minimum: UInt32
                var scalar: UInt32
                switch lead {
                case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(lead & 0x1F))
                case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(lead & 0x0F))
                case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(lead & 0x07))
                default: return index
                }
                guard index + length <= count else { return index }
                for offset in 1..<length {
                    let next = bytes[index + offset]
                    guard next & 0xC0 == 0x80 else { return index }
                    scalar = scalar << 6 | UInt32(next & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
                index += length
            }
            return nil
        }
    }

    /// The ``APIError`` for a decoding failure, naming the key path (`input[2]`).
    static func describe(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return .invalidRequest("missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            if context.codingPath.isEmpty { return .invalidJSON("the body must be a JSON object") }
            return .invalidRequest("'\(path(context.codingPath))': \(context.debugDescription)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .invalidJSON("the body is not valid JSON (\(context.debugDescription))")
            }
            return .invalidRequest("'\(path(context.codingPath))': \(context.debugDescription)")
        @unknown default:
            return .invalidRequest("\(error)")
        }
    }
}
