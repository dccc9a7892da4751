import ConsRouteController
import ConsRouteModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 14 (5, 7): a fleet the controller does not run is 404 on every route, and never becomes a metric label.
@Suite("Unknown fleets")
struct UnknownFleetTests {
    @Test(
        "stream, long-poll, table, past table and status all answer 404 naming an unconfigured fleet",
        .timeLimit(.minutes(1))
    )
    func everyRouteSays404() async throws {
        let harness = try APIHarness(configuredFleets: ["fleet-a"])
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.application().test(.router) { client in
            for uri in [
                "/v1/fleets/nope/table/stream", "/v1/fleets/nope/table?after=0&wait=30", "/v1/fleets/nope/table",
                "/v1/fleets/nope/tables/1", "/v1/fleets/nope/status",
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                let body = try JSONValue.parse(response.body.readableBytesView)
                #expect(body == .object(["error": .string("unknown fleet nope"), "fleet": .string("nope")]), "\(uri)")
            }
            let known = try await client.execute(uri: "/v1/fleets/fleet-a/table", method: .get)
            #expect(known.status == .ok)
        }
    }

    @Test("many distinct fleet names in long-polls and streams add no metric series", .timeLimit(.minutes(1)))
    func noMetricGrowth() async throws {
        let harness = try APIHarness(configuredFleets: ["fleet-a"])
        try await harness.application().test(.router) { client in
            for index in 0..<200 {
                _ = try await client.execute(uri: "/v1/fleets/made-up-\(index)/table?after=0&wait=1", method: .get)
                _ = try await client.execute(uri: "/v1/fleets/made-up-\(index)/table/stream", method: .get)
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(!text.contains("made-up-"))
        }
    }
}
