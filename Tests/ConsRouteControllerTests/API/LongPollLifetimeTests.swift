import ConsRouteController
import Hummingbird
import KafkaTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// A parked long-poll must not outlive its client, nor hold up a graceful shutdown for its whole `wait`.
@Suite("Long-poll lifetime")
struct LongPollLifetimeTests {
    @Test("a client that goes away while parked is counted out at once, not after its wait")
    func clientGoesAway() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        let (app, ports) = harness.listeningApplication()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            let port = try #require(await ports.first(where: { _ in true }))
            let client = try await EventStreamClient.connect(
                port: port,
                path: "/v1/fleets/fleet-a/table?after=1&wait=50"
            )
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 1 }
            await client.close()
            try await waitForCondition {
                harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 0
            }
            #expect(harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 0)
            group.cancelAll()
        }
    }

    @Test("graceful shutdown answers a parked long-poll with 304 instead of waiting out its wait")
    func gracefulShutdown() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        let (app, ports) = harness.listeningApplication()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                let port = try #require(await ports.first(where: { _ in true }))
                let client = try await EventStreamClient.connect(
                    port: port,
                    path: "/v1/fleets/fleet-a/table?after=1&wait=50"
                )
                try await waitForCondition {
                    harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 1
                }
                let started = ContinuousClock.now
                trigger.triggerGracefulShutdown()
                // Well inside the 50 s wait (a loaded test machine once needed 12 s for the whole shutdown).
                #expect(await client.items.next(within: .seconds(25)) == .head(status: 304, contentType: nil))
                try await group.waitForAll()
                #expect(ContinuousClock.now - started < .seconds(25))
            }
        }
    }
}
