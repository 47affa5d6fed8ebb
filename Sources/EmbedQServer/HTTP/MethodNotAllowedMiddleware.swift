import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` when a request's path is a route under other methods (Hummingbird
/// itself answers such requests 404).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// (method, OpenAPI path template) of every route.
    let routes: [(HTTPRequest.Method, String)]

    init(routes: [(HTTPRequest.Method, String)]) {
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let allowed = Self.allowedMethods(path: request.uri.path, routes: routes)
            guard !allowed.isEmpty else { throw error }
            let list = allowed.joined(separator: ", ")
            throw APIError(.methodNotAllowed, type: "method_not_allowed",
                           "\(request.method) is not allowed on \(request.uri.path); use \(list)",
                           headers: [.allow: list])
        }
    }

    /// The methods of the most specific templates that fit `path`, sorted: a literal segment
    /// wins over a `{parameter}` (`/points/delete` is its own path, not `/points/{id}`), as the
    /// router and the OpenAPI document see it.
    static func allowedMethods(path: String, routes: [(HTTPRequest.Method, String)]) -> [String] {
        let segments = Self.segments(path)
        let fitting = routes.filter { Self.matches(template: $0.1, segments) }
        guard let fewest = fitting.map({ Self.parameterCount($0.1) }).min() else { return [] }
        let methods = fitting.filter { Self.parameterCount($0.1) == fewest }.map(\.0.rawValue)
        return Array(Set(methods)).sorted()
    }

    static func parameterCount(_ template: String) -> Int {
        Self.segments(template).filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.count
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Whether `segments` fit `template` (`{name}` matches any one segment).
    static func matches(template: String, _ segments: [Substring]) -> Bool {
        let parts = Self.segments(template)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { part, segment in
            (part.hasPrefix("{") && part.hasSuffix("}")) || part == segment
        }
    }
}
