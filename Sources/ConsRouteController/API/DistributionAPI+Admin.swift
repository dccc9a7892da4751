import ConsRouteModel
import Hummingbird
import NIOCore

extension DistributionAPI {
    /// Adds the admin routes, behind the bearer token: `POST /v1/fleets/{fleet}/rollback` (body
    /// `{"to_version": N}`), `/retune`, `/pause`, `/resume`, `/promote`.
    func addAdminRoutes<Context: RequestContext>(to router: Router<Context>) {
        let admin = admin
        let group = router.group("/v1/fleets/{fleet}")
            .add(middleware: BearerTokenMiddleware<Context>(token: configuration.adminToken))
        group.post("rollback") { request, context in
            let fleet = try context.parameters.require("fleet")
            let version = try await rollbackVersion(request)
            return try await Self.perform { try await admin.rollback(fleet: fleet, toVersion: version) }
        }
        group.post("retune") { _, context in
            let fleet = try context.parameters.require("fleet")
            return try await Self.perform { try await admin.retune(fleet: fleet) }
        }
        group.post("pause") { _, context in
            let fleet = try context.parameters.require("fleet")
            return try await Self.perform { try await admin.pause(fleet: fleet) }
        }
        group.post("resume") { _, context in
            let fleet = try context.parameters.require("fleet")
            return try await Self.perform { try await admin.resume(fleet: fleet) }
        }
        group.post("promote") { _, context in
            let fleet = try context.parameters.require("fleet")
            return try await Self.perform { try await admin.promote(fleet: fleet) }
        }
    }

    /// Runs an action and answers its JSON result; its `AdminActionError`s become `APIError.action`, which maps
    /// them to status codes.
    private static func perform(_ action: () async throws -> JSONValue) async throws -> Response {
        do {
            return json(try await action())
        } catch let error as AdminActionError {
            throw APIError.action(error)
        }
    }

    /// Reads `{"to_version": N}` from a rollback request.
    ///
    /// - Throws: `APIError.badParameter` naming `body` or `to_version`.
    private func rollbackVersion(_ request: Request) async throws -> UInt64 {
        let limit = configuration.maximumAdminBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError.badParameter(name: "body", reason: "must be a JSON object of at most \(limit) bytes")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError.badParameter(
                name: "body",
                reason: "must be a JSON object like {\"to_version\": 3}: \(error)"
            )
        }
        guard case .object(let members) = root else {
            throw APIError.badParameter(name: "body", reason: "must be a JSON object like {\"to_version\": 3}")
        }
        guard case .number(let text)? = members["to_version"], let version = UInt64(text) else {
            throw APIError.badParameter(
                name: "to_version",
                reason: "must be the table version to roll back to (an integer >= 0)"
            )
        }
        return version
    }
}
