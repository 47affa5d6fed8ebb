import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into a JSON error body (``APIError``): Hummingbird's own
/// errors keep their status (404 for an unknown route, 413 for a body over the limit), anything
/// unexpected becomes a 500 whose details go to the log only. Installed first, so it also
/// answers requests that match no route.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.make(error)
        } catch let error as CollectionStoreError {
            return JSONResponse.make(error.apiError)
        } catch is NIOTooManyBytesError {
            return JSONResponse.make(.payloadTooLarge("the request body is larger than the server's limit"))
        } catch let error as HTTPError {
            let status = error.status
            if status == .notFound {
                return JSONResponse.make(.notFound("no route \(request.method) \(request.uri.path)"))
            }
            let message = error.body ?? status.reasonPhrase
            return JSONResponse.make(APIError(status, type: Self.type(of: status), message))
        } catch let error as any HTTPResponseError {
            return JSONResponse.make(APIError(error.status, type: Self.type(of: error.status), error.status.reasonPhrase))
        } catch is CancellationError {
            // The client went away; nobody reads this answer.
            return JSONResponse.make(.unavailable("the request was cancelled"))
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return JSONResponse.make(.internalError("internal server error"))
        }
    }

    /// The `type` written for a status that no ``APIError`` named.
    static func type(of status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "invalid_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 413: return "payload_too_large"
        case 422: return "unprocessable"
        case 429: return "rate_limited"
        case 503: return "unavailable"
        default: return status.code >= 500 ? "internal_error" : "http_error"
        }
    }
}
