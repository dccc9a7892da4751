import ConsRouteController
import ConsRouteModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("GET /v1/fleets/{fleet}/table and /tables/{version}")
struct TableEndpointTests {
    @Test("a fleet without a table answers 404 with a JSON error naming the fleet")
    func noTable() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/fleet-x/table", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json")
            let body = try JSONValue.parse(response.body.readableBytesView)
            #expect(body == .object(["error": .string("fleet fleet-x has no table"), "fleet": .string("fleet-x")]))
        }
    }

    @Test("the table is the signed envelope with an ETag; If-None-Match with its version gives 304")
    func entityTag() async throws {
        let harness = try APIHarness()
        let signed = Fixtures.signed(version: 3)
        try await harness.publish(signed)
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/fleet-a/table", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.eTag] == "\"3\"")
            #expect(Array(response.body.readableBytesView) == signed.envelopeBytes())
            for matching in ["\"3\"", "W/\"3\"", "\"1\", \"3\"", "*"] {
                let cached = try await client.execute(
                    uri: "/v1/fleets/fleet-a/table",
                    method: .get,
                    headers: [.ifNoneMatch: matching]
                )
                #expect(cached.status == .notModified, "If-None-Match: \(matching)")
                #expect(cached.headers[.eTag] == "\"3\"")
                #expect(cached.body.readableBytes == 0)
            }
            let stale = try await client.execute(
                uri: "/v1/fleets/fleet-a/table",
                method: .get,
                headers: [.ifNoneMatch: "\"2\""]
            )
            #expect(stale.status == .ok)
        }
    }

    @Test("?device= selects the canary for devices in its cohort and the active table for the others")
    func canaryByDevice() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.publish(Fixtures.signed(version: 2, stage: .canary, percent: 25, salt: "r2"))
        let inside = Fixtures.device(salt: "r2", percent: 25, inCohort: true)
        let outside = Fixtures.device(salt: "r2", percent: 25, inCohort: false)
        try await harness.application().test(.router) { client in
            for (query, expected) in [("?device=\(inside)", UInt64(2)), ("?device=\(outside)", 1), ("", 1)] {
                let response = try await client.execute(uri: "/v1/fleets/fleet-a/table\(query)", method: .get)
                #expect(response.status == .ok)
                #expect(try Fixtures.version(ofEnvelope: response.body.readableBytesView) == expected, "\(query)")
                #expect(response.headers[.eTag] == "\"\(expected)\"")
            }
        }
    }

    @Test("a past version comes from history; an unknown one is 404, a malformed one 400")
    func pastVersions() async throws {
        let harness = try APIHarness()
        let first = Fixtures.signed(version: 1)
        try await harness.publish(first)
        try await harness.publish(Fixtures.signed(version: 2))
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/fleet-a/tables/1", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(Array(response.body.readableBytesView) == first.envelopeBytes())
            let unknown = try await client.execute(uri: "/v1/fleets/fleet-a/tables/9", method: .get)
            #expect(unknown.status == .notFound)
            #expect(
                try JSONValue.parse(unknown.body.readableBytesView)
                    == .object([
                        "error": .string("fleet fleet-a has no table version 9"), "fleet": .string("fleet-a"),
                        "version": .number("9"),
                    ])
            )
            let malformed = try await client.execute(uri: "/v1/fleets/fleet-a/tables/latest", method: .get)
            #expect(malformed.status == .badRequest)
            #expect(try parameter(of: malformed) == "version")
        }
    }

    @Test(
        "bad parameters give 400 naming the parameter",
        arguments: [
            ("?after=abc", "after"), ("?after=-1", "after"), ("?wait=5", "after"), ("?after=1&wait=-1", "wait"),
            ("?after=1&wait=61", "wait"), ("?after=1&wait=soon", "wait"), ("?after=1&wait=nan", "wait"),
            ("?device=", "device"),
        ]
    )
    func badParameters(query: String, name: String) async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/fleet-a/table\(query)", method: .get)
            #expect(response.status == .badRequest)
            #expect(try parameter(of: response) == name)
        }
    }

    @Test("a long-poll by a stale caller answers at once; wait=0 with nothing newer answers 304")
    func longPollWithoutWaiting() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 4))
        try await harness.application().test(.router) { client in
            let stale = try await client.execute(uri: "/v1/fleets/fleet-a/table?after=2&wait=30", method: .get)
            #expect(stale.status == .ok)
            #expect(stale.headers[.eTag] == "\"4\"")
            let current = try await client.execute(uri: "/v1/fleets/fleet-a/table?after=4", method: .get)
            #expect(current.status == .notModified)
            #expect(current.headers[.eTag] == "\"4\"")
        }
    }
}
