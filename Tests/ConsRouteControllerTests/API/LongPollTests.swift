import ConsRouteController
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KafkaTestSupport
import NIOCore
import Testing

@Suite("long-poll GET /v1/fleets/{fleet}/table?after=&wait=")
struct LongPollTests {
    @Test("a parked long-poll is answered by the next publish, long before its wait ends")
    func wokenByPublish() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.application().test(.live) { client in
            async let response = client.execute(uri: "/v1/fleets/fleet-a/table?after=1&wait=30", method: .get)
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 1 }
            let published = ContinuousClock.now
            try await harness.publish(Fixtures.signed(version: 2))
            let answer = try await response
            #expect(ContinuousClock.now - published < .seconds(10))
            #expect(answer.status == .ok)
            #expect(answer.headers[.eTag] == "\"2\"")
            #expect(try Fixtures.version(ofEnvelope: answer.body.readableBytesView) == 2)
            #expect(harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .longpoll) == 0)
        }
    }

    @Test("a long-poll with nothing newer answers 304 when its wait ends")
    func notModifiedAfterWait() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 5))
        try await harness.application().test(.live) { client in
            let started = ContinuousClock.now
            let answer = try await client.execute(uri: "/v1/fleets/fleet-a/table?after=5&wait=0.3", method: .get)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(answer.status == .notModified)
            #expect(answer.headers[.eTag] == "\"5\"")
            #expect(await harness.cache.watcherCount(fleet: "fleet-a") == 0)
        }
    }

    @Test("a long-poll on a fleet without a table waits for its first table")
    func firstTable() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.live) { client in
            async let response = client.execute(uri: "/v1/fleets/fleet-n/table?after=0&wait=30", method: .get)
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-n") == 1 }
            try await harness.publish(Fixtures.signed(fleet: "fleet-n", version: 1))
            let answer = try await response
            #expect(answer.status == .ok)
            #expect(answer.headers[.eTag] == "\"1\"")
        }
    }
}
