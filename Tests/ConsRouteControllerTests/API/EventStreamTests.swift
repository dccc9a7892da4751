import ConsRouteClient
import ConsRouteController
import ConsRouteModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KafkaTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("server-sent events GET /v1/fleets/{fleet}/table/stream")
struct EventStreamTests {
    @Test("a subscriber gets the current table at once, then each newly published one")
    func currentThenNew() async throws {
        let harness = try APIHarness()
        let first = Fixtures.signed(version: 1)
        try await harness.publish(first)
        try await harness.application().test(.live) { client in
            let stream = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream"
            )
            #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
            #expect(
                await stream.items.nextSkippingHeartbeats()
                    == .event(ServerSentEvent(event: "table", id: "1", data: first.envelopeBytes()))
            )
            let second = Fixtures.signed(version: 2)
            try await harness.publish(second)
            #expect(
                await stream.items.nextSkippingHeartbeats()
                    == .event(ServerSentEvent(event: "table", id: "2", data: second.envelopeBytes()))
            )
            #expect(harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 1)
            await stream.close()
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 0 }
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 0 }
        }
    }

    @Test("Last-Event-ID: no resend of the version the client holds; an older one gets the current table")
    func lastEventID() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.publish(Fixtures.signed(version: 2))
        try await harness.application().test(.live) { client in
            let holding = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream",
                headers: [("Last-Event-ID", "2")]
            )
            #expect(await holding.items.next() == .head(status: 200, contentType: "text/event-stream"))
            let behind = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream",
                headers: [("Last-Event-ID", "1")]
            )
            #expect(await behind.items.next() == .head(status: 200, contentType: "text/event-stream"))
            #expect(await eventID(behind.items.nextSkippingHeartbeats()) == "2")
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 2 }
            try await harness.publish(Fixtures.signed(version: 3))
            #expect(await eventID(holding.items.nextSkippingHeartbeats()) == "3")
            #expect(await eventID(behind.items.nextSkippingHeartbeats()) == "3")
        }
    }

    @Test("a malformed Last-Event-ID answers 400 naming the header")
    func malformedLastEventID() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.live) { client in
            let response = try await client.execute(
                uri: "/v1/fleets/fleet-a/table/stream",
                method: .get,
                headers: [.init("Last-Event-ID")!: "latest"]
            )
            #expect(response.status == .badRequest)
            #expect(try parameter(of: response) == "Last-Event-ID")
        }
    }

    @Test("a device in a canary cohort streams the canary; an idle stream gets heartbeats")
    func canaryAndHeartbeat() async throws {
        let harness = try APIHarness(heartbeat: .milliseconds(50))
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.publish(Fixtures.signed(version: 2, stage: .canary, percent: 30, salt: "c"))
        let inside = Fixtures.device(salt: "c", percent: 30, inCohort: true)
        try await harness.application().test(.live) { client in
            let stream = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream?device=\(inside)"
            )
            #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
            #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "2")
            #expect(await stream.items.next() == .heartbeat)
            #expect(await stream.items.next() == .heartbeat)
        }
    }

    @Test("graceful shutdown ends open streams cleanly")
    func gracefulShutdown() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        let (app, ports) = harness.listeningApplication()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                let port = try #require(await ports.first(where: { _ in true }))
                let stream = try await EventStreamClient.connect(port: port, path: "/v1/fleets/fleet-a/table/stream")
                #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
                #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "1")
                trigger.triggerGracefulShutdown()
                #expect(await stream.items.nextSkippingHeartbeats() == .end)
                try await group.waitForAll()
            }
        }
    }
}
