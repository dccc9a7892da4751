import HTTPTypes
package import Hummingbird

/// Lets a request through only with `Authorization: Bearer <token>` equal to the admin token, compared in
/// constant time; otherwise 401 (no token) or 403 (wrong token), before any handler runs.
package struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]

    /// A middleware that accepts `token`.
    ///
    /// - Parameter token: the admin bearer token.
    package init(token: String) {
        expected = Array(token.utf8)
    }

    /// Checks the token, then calls `next`.
    ///
    /// - Throws: `APIError.missingToken` or `.wrongToken`.
    package func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError.missingToken }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
            throw APIError.missingToken
        }
        let presented = Array(header.dropFirst(prefix.count).utf8)
        guard Self.constantTimeEqual(presented, expected) else { throw APIError.wrongToken }
        return try await next(request, context)
    }

    /// Whether `presented` equals `expected`, in time that depends only on `presented.count`: no early exit on the
    /// first differing byte, so response times do not reveal how much of a guess was right.
    ///
    /// - Complexity: O(presented.count).
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return false }
        var difference = presented.count == expected.count ? 0 : 1
        for index in presented.indices {
            difference |= Int(presented[index] ^ expected[index % expected.count])
        }
        return difference == 0
    }
}
