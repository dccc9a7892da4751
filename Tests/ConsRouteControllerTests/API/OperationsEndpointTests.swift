import ConsRouteController
import ConsRouteModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("status, metrics, health and readiness")
struct OperationsEndpointTests {
    @Test("status of an unknown fleet is 404 naming it")
    func unknownFleetStatus() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/ghost/status", method: .get)
            #expect(response.status == .notFound)
            #expect(
                try JSONValue.parse(response.body.readableBytesView)
                    == .object(["error": .string("unknown fleet ghost"), "fleet": .string("ghost")])
            )
        }
    }

    @Test("status reports versions, canary and subscribers, plus the provider's fields, which cannot override them")
    func status() async throws {
        let harness = try APIHarness(status: [
            "fleet-a": ["drift": .object(["events": .number("2")]), "active": .string("overridden?")],
            "fleet-p": ["paused": .bool(true)],
        ])
        let active = Fixtures.signed(version: 4)
        try await harness.publish(active)
        try await harness.publish(Fixtures.signed(version: 5, stage: .canary, percent: 10, salt: "s5"))
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/fleet-a/status", method: .get)
            #expect(response.status == .ok)
            #expect(
                try JSONValue.parse(response.body.readableBytesView)
                    == .object([
                        "fleet": .string("fleet-a"),
                        "active": .object([
                            "version": .number("4"), "created_at": JSONValue(integer: active.table.createdAtMs),
                            "expires_at": JSONValue(integer: active.table.expiresAtMs),
                        ]),
                        "canary": .object(["version": .number("5"), "percent": .number("10"), "salt": .string("s5")]),
                        "subscribers": .object(["sse": .number("0"), "longpoll": .number("0"), "parked": .number("0")]),
                        "drift": .object(["events": .number("2")]),
                    ])
            )
            let providerOnly = try await client.execute(uri: "/v1/fleets/fleet-p/status", method: .get)
            #expect(providerOnly.status == .ok)
            guard case .object(let members) = try JSONValue.parse(providerOnly.body.readableBytesView) else {
                Issue.record("status is not an object")
                return
            }
            #expect(members["paused"] == .bool(true))
            #expect(members["active"] == .null)
        }
    }

    @Test("healthz is always 200; readyz follows the readiness closure")
    func health() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.router) { client in
            let healthy = try await client.execute(uri: "/healthz", method: .get)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            harness.ready.isReady = false
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            let stillHealthy = try await client.execute(uri: "/healthz", method: .get)
            #expect(healthy.status == .ok)
            #expect(ready.status == .ok)
            #expect(notReady.status == .serviceUnavailable)
            #expect(stillHealthy.status == .ok)
        }
    }

    @Test("metrics are Prometheus text with the API's metric names and labels")
    func metrics() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 7))
        harness.api.metrics.subscriberOpened(fleet: "fleet-a", kind: .sse)
        try await harness.application().test(.router) { client in
            _ = try await client.execute(uri: "/v1/fleets/fleet-a/table", method: .get)
            _ = try await client.execute(uri: "/v1/fleets/fleet-z/table", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            for line in [
                #"consroute_table_version{fleet="fleet-a",stage="active"} 7"#,
                #"consroute_table_version{fleet="fleet-a",stage="canary"} 0"#,
                #"consroute_subscribers{fleet="fleet-a",kind="sse"} 1"#,
                #"consroute_http_requests_total{route="/v1/fleets/{fleet}/table",status="200"} 1"#,
                #"consroute_http_requests_total{route="/v1/fleets/{fleet}/table",status="404"} 1"#,
            ] {
                #expect(text.contains(line), "missing \(line) in\n\(text)")
            }
        }
    }
}
