import HTTPTypes
import Hummingbird
import NIOCore

/// Builds the server's JSON responses.
public enum JSONResponse {
    /// A response with `bytes` (UTF-8 JSON) as its body and `Content-Type: application/json`.
    public static func make(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A response with `value` serialized as its body.
    public static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        make(value.serialized, status: status, headers: headers)
    }

    /// The response for `error`: `{"error": message, "type": type}` with its status and headers.
    public static func make(_ error: APIError) -> Response {
        make(["error": .string(error.message), "type": .string(error.type)], status: error.status, headers: error.headers)
    }
}
