import Foundation
import HTTPTypes
import Hummingbird

/// The checks in front of every route handler: the key for its ``RouteAccess``, then a work
/// slot when it ``ServerRoute/countsAgainstConcurrencyLimit``.
struct RouteGuard: Sendable {
    let apiKey: String?
    let readOnlyKey: String?
    let maxConcurrentRequests: Int
    let retryAfterSeconds: Int
    let slots = InFlightCounter()

    /// `route`'s handler wrapped in the key check and the concurrency limit.
    func guarded(_ route: ServerRoute) -> @Sendable (Request, ServerRequestContext) async throws -> Response {
        let handler = route.handler
        let access = route.access
        let limited = route.countsAgainstConcurrencyLimit
        return { [self] request, context in
            try authorize(request, for: access)
            guard limited else { return try await handler(request, context) }
            guard slots.acquire(limit: maxConcurrentRequests) else {
                throw APIError.rateLimited(
                    "\(maxConcurrentRequests) requests are already being answered; retry later",
                    retryAfterSeconds: retryAfterSeconds)
            }
            defer { _ = slots.change(by: -1) }
            return try await handler(request, context)
        }
    }

    /// Checks the request's key against `access`.
    ///
    /// - Throws: ``APIError`` 401 without a key or with an unknown one; 403 for the read-only key
    ///   on a write route.
    func authorize(_ request: Request, for access: RouteAccess) throws {
        guard access != .open, apiKey != nil || readOnlyKey != nil else { return }
        guard let presented = Self.presentedKey(request) else {
            throw APIError.unauthorized("this route needs a key: send 'Authorization: Bearer <key>' or 'api-key: <key>'")
        }
        if let apiKey, Self.constantTimeEquals(presented, apiKey) { return }
        if let readOnlyKey, Self.constantTimeEquals(presented, readOnlyKey) {
            guard access == .read else { throw APIError.forbidden("the read-only key cannot change data") }
            return
        }
        throw APIError.unauthorized("the key is not valid")
    }

    /// The key in `Authorization: Bearer …` or `api-key: …`.
    static func presentedKey(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        if let name = HTTPField.Name("api-key"), let key = request.headers[name] { return key }
        return nil
    }

    /// Compares without stopping at the first difference (no timing hint of a key's prefix).
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
