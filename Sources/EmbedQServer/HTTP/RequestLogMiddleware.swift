import Hummingbird
import Logging

/// The outermost middleware: counts every answered request in ``ServerMetrics`` (by method,
/// matched route and status, with its duration) and logs one structured line per request.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let inFlight: InFlightCounter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        metrics.setInFlight(inFlight.change(by: 1))
        defer { metrics.setInFlight(inFlight.change(by: -1)) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware (inside this one) answers every error; this is a last resort.
            response = JSONResponse.make(.internalError("internal server error"))
        }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : Self.template($0) } ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: response.status.code,
                              nanoseconds: nanoseconds)
        // 503 (loading, shutting down) and 429 are the server protecting itself: warnings.
        let code = response.status.code
        let level: Logger.Level = code == 503 || code == 429 ? .warning : code >= 500 ? .error : .info
        context.logger.log(level: level, "request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path), "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", Double(nanoseconds) / 1e6)),
        ])
        return response
    }

    /// The OpenAPI spelling of a Hummingbird route path (`/collections/:name` → `/collections/{name}`).
    static func template(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{" + segment.dropFirst() + "}" : String(segment)
        }.joined(separator: "/")
    }
}
