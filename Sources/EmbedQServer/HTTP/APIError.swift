import HTTPTypes

/// An error answered to the client as `{"error": "<message>", "type": "<type>"}` with an HTTP
/// status. Every failure a request can cause becomes one of these (see ``ErrorMiddleware``);
/// anything else is logged and answered as a 500 without details.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status (400, 401, 403, 404, 409, 413, 422, 429, 503, …).
    public var status: HTTPResponse.Status
    /// A stable machine-readable category, e.g. `invalid_json` or `rate_limited`.
    public var type: String
    /// What was wrong, for people: names the field, the value and the limit involved.
    public var message: String
    /// Extra response headers (e.g. `Retry-After` on a 429).
    public var headers: HTTPFields

    /// Creates an error with a status, a type and a message.
    public init(_ status: HTTPResponse.Status, type: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.message = message
        self.headers = headers
    }

    /// `"<status code> <type>: <message>"`.
    public var description: String { "\(status.code) \(type): \(message)" }

    /// 400: the body is not JSON, or not the JSON shape the route takes.
    public static func invalidJSON(_ message: String) -> APIError {
        APIError(.badRequest, type: "invalid_json", message)
    }

    /// 400: a well-formed request that breaks the API's rules (a missing field, a wrong type).
    public static func invalidRequest(_ message: String) -> APIError {
        APIError(.badRequest, type: "invalid_request", message)
    }

    /// 401: no key, or a key the server does not know.
    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, type: "unauthorized", message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 403: a read-only key on a route that changes data.
    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, type: "forbidden", message)
    }

    /// 404: no such route or resource.
    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, type: "not_found", message)
    }

    /// 405: the path exists, the method does not.
    public static func methodNotAllowed(_ message: String) -> APIError {
        APIError(.methodNotAllowed, type: "method_not_allowed", message)
    }

    /// 409: the request conflicts with the resource's state (e.g. it already exists).
    public static func conflict(_ message: String) -> APIError {
        APIError(.conflict, type: "conflict", message)
    }

    /// 413: the body is larger than the server's limit.
    public static func payloadTooLarge(_ message: String) -> APIError {
        APIError(.contentTooLarge, type: "payload_too_large", message)
    }

    /// 422: valid JSON of the right shape whose values cannot be served (token ids outside the
    /// vocabulary, too many tokens with `truncate: none`, an unknown prompt, a dimension too large).
    public static func unprocessable(_ message: String) -> APIError {
        APIError(.unprocessableContent, type: "unprocessable", message)
    }

    /// 429: too many requests in flight; retry after `seconds`.
    public static func rateLimited(_ message: String, retryAfterSeconds seconds: Int) -> APIError {
        APIError(.tooManyRequests, type: "rate_limited", message, headers: [.retryAfter: "\(seconds)"])
    }

    /// 503: the server cannot answer now (model still loading, shutting down).
    public static func unavailable(_ message: String, retryAfterSeconds seconds: Int? = nil) -> APIError {
        APIError(.serviceUnavailable, type: "unavailable", message,
                 headers: seconds.map { [.retryAfter: "\($0)"] } ?? [:])
    }

    /// 500: a failure of the server itself (never caused by what the client sent).
    public static func internalError(_ message: String) -> APIError {
        APIError(.internalServerError, type: "internal_error", message)
    }
}
