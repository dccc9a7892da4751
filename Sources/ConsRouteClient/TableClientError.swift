/// Why a request to the distribution API failed; every message names the URL.
public enum TableClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The base URL is not `http://host:port`.
    case invalidURL(String, reason: String)
    /// The server could not be reached, or the connection broke before the response was complete.
    case connectionFailed(url: String, reason: String)
    /// No complete response within the time allowed.
    case timedOut(url: String, after: Duration)
    /// The server answered with an unexpected status; `message` is the API's `error` field, or the body.
    case status(url: String, code: Int, message: String)
    /// The response body exceeded the client's limit.
    case responseTooLarge(url: String, limit: Int)
    /// The response is not what the API sends (e.g. a table without an `ETag`, a status that is not JSON).
    case malformedResponse(url: String, reason: String)

    /// The message, naming the URL and what went wrong.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid API URL \(url): \(reason)"
        case .connectionFailed(let url, let reason): "\(url): cannot reach the distribution API: \(reason)"
        case .timedOut(let url, let after): "\(url): no complete response within \(after)"
        case .status(let url, let code, let message): "\(url) answered \(code): \(message)"
        case .responseTooLarge(let url, let limit): "\(url): the response is larger than \(limit) bytes"
        case .malformedResponse(let url, let reason): "\(url): unexpected response: \(reason)"
        }
    }

    /// The failure is the server's answer to a bad bearer token: 401 (no token) or 403 (wrong token).
    public var isAuthenticationFailure: Bool {
        if case .status(_, let code, _) = self { return code == 401 || code == 403 }
        return false
    }

    /// Trying again later may succeed: the server was unreachable, slow, overloaded or failing (5xx, 408, 429).
    /// Other 4xx answers and malformed responses will not change by retrying.
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .timedOut: true
        case .status(_, let code, _): code >= 500 || code == 408 || code == 429
        case .invalidURL, .responseTooLarge, .malformedResponse: false
        }
    }
}
