import ConsRouteModel
import HTTPTypes
package import Hummingbird
import NIOCore

/// Every failure the distribution API answers, and the one place where failures become status codes.
///
/// The body is JSON: `{"error": message}` plus the field at fault (`fleet`, `parameter`, `version`), so a client
/// can act on it without parsing the message.
package enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The fleet has no table (for this device) yet: 404.
    case noTable(fleet: String)
    /// The fleet is unknown to the cache and to the status provider: 404.
    case unknownFleet(fleet: String)
    /// History has no such version: 404.
    case unknownVersion(fleet: String, version: UInt64)
    /// A query parameter, header or body field is malformed or out of range: 400.
    case badParameter(name: String, reason: String)
    /// An admin request without a bearer token: 401 with `WWW-Authenticate: Bearer`.
    case missingToken
    /// An admin request with a wrong token: 403.
    case wrongToken
    /// An admin action failed in a way the operator can act on: 404, 409 or 503 by case.
    case action(AdminActionError)

    /// The status code of each failure.
    package var status: HTTPResponse.Status {
        switch self {
        case .noTable, .unknownFleet, .unknownVersion: .notFound
        case .badParameter: .badRequest
        case .missingToken: .unauthorized
        case .wrongToken: .forbidden
        case .action(.unknownFleet), .action(.unknownVersion): .notFound
        case .action(.conflict): .conflict
        case .action(.unavailable): .serviceUnavailable
        }
    }

    package var description: String {
        switch self {
        case .noTable(let fleet): "fleet \(fleet) has no table"
        case .unknownFleet(let fleet): "unknown fleet \(fleet)"
        case .unknownVersion(let fleet, let version): "fleet \(fleet) has no table version \(version)"
        case .badParameter(let name, let reason): "parameter \(name): \(reason)"
        case .missingToken: "admin endpoints need an Authorization: Bearer <token> header"
        case .wrongToken: "the bearer token is not the admin token"
        case .action(let error): error.description
        }
    }

    /// The JSON body: the message and the field at fault.
    var body: JSONValue {
        var members: [String: JSONValue] = ["error": .string(description)]
        switch self {
        case .noTable(let fleet), .unknownFleet(let fleet), .action(.unknownFleet(let fleet)):
            members["fleet"] = .string(fleet)
        case .unknownVersion(let fleet, let version), .action(.unknownVersion(let fleet, let version)):
            members["fleet"] = .string(fleet)
            members["version"] = JSONValue(integer: version)
        case .badParameter(let name, _):
            members["parameter"] = .string(name)
        case .missingToken, .wrongToken, .action(.conflict), .action(.unavailable):
            break
        }
        return .object(members)
    }
}

extension APIError: HTTPResponseError {
    /// The error as a JSON response; 401 carries the `WWW-Authenticate` challenge.
    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if case .missingToken = self { headers[.wwwAuthenticate] = #"Bearer realm="consroute""# }
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.canonicalBytes()))
        )
    }
}
