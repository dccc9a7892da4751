import ConsRouteController
import ConsRouteModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("admin POST /v1/fleets/{fleet}/{action}")
struct AdminEndpointTests {
    static let actions = ["rollback", "retune", "pause", "resume", "promote"]
    static let rollbackBody = ByteBuffer(string: #"{"to_version": 3}"#)

    @Test("without a token: 401 with a Bearer challenge, and no action runs", arguments: actions)
    func missingToken(action: String) async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Basic YWRtaW46YWRtaW4="], [.authorization: "Bearer "]] {
                let response = try await client.execute(
                    uri: "/v1/fleets/fleet-a/\(action)",
                    method: .post,
                    headers: headers,
                    body: Self.rollbackBody
                )
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
        }
        #expect(await harness.admin.calls.isEmpty)
    }

    @Test("with a wrong token: 403, and no action runs", arguments: actions)
    func wrongToken(action: String) async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            for token in ["wrong", Fixtures.adminToken + "x", String(Fixtures.adminToken.dropLast())] {
                let response = try await client.execute(
                    uri: "/v1/fleets/fleet-a/\(action)",
                    method: .post,
                    headers: [.authorization: "Bearer \(token)"],
                    body: Self.rollbackBody
                )
                #expect(response.status == .forbidden)
            }
        }
        #expect(await harness.admin.calls.isEmpty)
    }

    @Test("with the token: the action runs once and its JSON result is returned", arguments: actions)
    func authorised(action: String) async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/fleets/fleet-b/\(action)",
                method: .post,
                headers: [.authorization: "Bearer \(Fixtures.adminToken)"],
                body: Self.rollbackBody
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let expected = action == "rollback" ? "rollback:3" : action
            #expect(
                try JSONValue.parse(response.body.readableBytesView)
                    == .object(["action": .string(expected), "fleet": .string("fleet-b")])
            )
        }
        #expect(await harness.admin.calls == [action == "rollback" ? "rollback:3" : action])
    }

    @Test(
        "a rollback body without a valid to_version answers 400 naming it",
        arguments: [
            (#"{"version": 3}"#, "to_version"), (#"{"to_version": -1}"#, "to_version"),
            (#"{"to_version": "3"}"#, "to_version"),
            (#"{"to_version": 2.5}"#, "to_version"), ("[3]", "body"), ("not json", "body"), ("", "body"),
        ]
    )
    func badRollbackBody(body: String, name: String) async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/fleets/fleet-a/rollback",
                method: .post,
                headers: [.authorization: "Bearer \(Fixtures.adminToken)"],
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .badRequest)
            #expect(try parameter(of: response) == name)
        }
        #expect(await harness.admin.calls.isEmpty)
    }

    @Test(
        "action errors map to status codes",
        arguments: [
            (AdminActionError.unknownFleet("fleet-a"), HTTPResponse.Status.notFound),
            (.unknownVersion(fleet: "fleet-a", version: 3), .notFound), (.conflict("no canary to promote"), .conflict),
            (.unavailable("history store is down"), .serviceUnavailable),
        ]
    )
    func actionErrors(error: AdminActionError, status: HTTPResponse.Status) async throws {
        let harness = try APIHarness()
        await harness.admin.fail(with: error)
        try await harness.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/fleets/fleet-a/rollback",
                method: .post,
                headers: [.authorization: "Bearer \(Fixtures.adminToken)"],
                body: Self.rollbackBody
            )
            #expect(response.status == status)
            guard case .object(let members) = try JSONValue.parse(response.body.readableBytesView) else {
                Issue.record("error body is not an object")
                return
            }
            #expect(members["error"] == .string(error.description))
        }
    }

    @Test("an empty admin token is refused at configuration time")
    func emptyToken() {
        #expect(throws: DistributionAPIConfigurationError.invalid(key: "adminToken", reason: "must not be empty")) {
            try DistributionAPIConfiguration(adminToken: "")
        }
    }
}
