import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Hummingbird
import HummingbirdTesting
import KafkaTestSupport
import NIOCore
import NIOPosix
import Testing

@Suite("server-sent-event fan-out")
struct EventStreamFanoutTests {
    static let streamPath = "/v1/fleets/fleet-a/table/stream"

    @Test("a stream frame's chunk is the frame in HTTP/1.1 chunked framing, size in hex")
    func chunkFraming() {
        let event = ByteBuffer(string: "event: table\nid: 7\ndata: {}\n\n")
        let frame = StreamFrame(event)
        #expect(frame.event == event)
        #expect(String(buffer: frame.chunk) == "1d\r\nevent: table\nid: 7\ndata: {}\n\n\r\n")
        let large = StreamFrame(ByteBuffer(repeating: UInt8(ascii: "x"), count: 13_417))
        #expect(String(buffer: large.chunk).hasPrefix("3469\r\nxxx"))
        #expect(large.chunk.readableBytes == 13_417 + 8)
    }

    @Test("every one of many streams gets each publish exactly once, in order")
    func manyStreams() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.application().test(.live) { client in
            var streams: [EventStreamClient] = []
            for _ in 0..<40 {
                let stream = try await EventStreamClient.connect(port: client.port!, path: Self.streamPath)
                #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
                #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "1")
                streams.append(stream)
            }
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 40 }
            try await harness.publish(Fixtures.signed(version: 2))
            try await harness.publish(Fixtures.signed(version: 3))
            // Heartbeats are skipped: the harness's 15 s heartbeat fired during this loop when the suite's load
            // stretched the test to minutes (30 of 40 streams then had a heartbeat after table 3).
            for stream in streams {
                #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "2")
                #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "3")
                let extra = await stream.items.nextSkippingHeartbeats(within: .milliseconds(50))
                #expect(extra == nil, "after table 3: \(String(describing: extra))")
            }
            for stream in streams { await stream.close() }
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 0 }
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 0 }
        }
    }

    @Test("a canary published while streams are open reaches only its cohort; the next active table reaches all")
    func canaryWhileOpen() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        let inside = Fixtures.device(salt: "s", percent: 40, inCohort: true)
        let outside = Fixtures.device(salt: "s", percent: 40, inCohort: false)
        try await harness.application().test(.live) { client in
            let canary = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream?device=\(inside)"
            )
            let control = try await EventStreamClient.connect(
                port: client.port!,
                path: "/v1/fleets/fleet-a/table/stream?device=\(outside)"
            )
            for stream in [canary, control] {
                #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
                #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "1")
            }
            try await harness.publish(Fixtures.signed(version: 2, stage: .canary, percent: 40, salt: "s"))
            #expect(await eventID(canary.items.nextSkippingHeartbeats()) == "2")
            try await harness.publish(Fixtures.signed(version: 3))
            #expect(await eventID(control.items.nextSkippingHeartbeats()) == "3")
            #expect(await eventID(canary.items.nextSkippingHeartbeats()) == "3")
        }
    }

    @Test("streams of one fleet do not see another fleet's tables")
    func fleetsApart() async throws {
        let harness = try APIHarness()
        try await harness.application().test(.live) { client in
            let stream = try await EventStreamClient.connect(port: client.port!, path: Self.streamPath)
            #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 1 }
            try await harness.publish(Fixtures.signed(fleet: "fleet-b", version: 1))
            try await harness.publish(Fixtures.signed(version: 4))
            #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "4")
        }
    }

    @Test("a router with a context that has no channel streams through the response task")
    func contextWithoutChannel() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        let router = Router(context: BasicRequestContext.self)
        harness.api.addRoutes(to: router)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            services: [TableCacheHeartbeat(cache: harness.cache, interval: .milliseconds(50))]
        )
        try await app.test(.live) { client in
            let stream = try await EventStreamClient.connect(port: client.port!, path: Self.streamPath)
            #expect(await stream.items.next() == .head(status: 200, contentType: "text/event-stream"))
            #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "1")
            #expect(await stream.items.next() == .heartbeat)
            try await harness.publish(Fixtures.signed(version: 2))
            #expect(await eventID(stream.items.nextSkippingHeartbeats()) == "2")
            #expect(harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 1)
            await stream.close()
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 0 }
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 0 }
        }
    }

    @Test("a client that stops reading is disconnected instead of buffered for without bound")
    func stalledClient() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await harness.application().test(.live) { client in
            let stalled = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 4096)
                .connect(host: "127.0.0.1", port: client.port!).get()
            let request = "GET /v1/fleets/fleet-a/table/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            try await stalled.writeAndFlush(ByteBuffer(string: request)).get()
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 1 }
            var generator = SeededGenerator(seed: 3)
            var version: UInt64 = 2
            while await harness.cache.watcherCount(fleet: "fleet-a") == 1, version < 5_000 {
                let table = ThresholdTable.example(
                    fleet: "fleet-a",
                    version: version,
                    dimension: 64,
                    clusterCount: 16,
                    using: &generator
                )
                try await harness.publish(try SignedTable(signing: table, with: Fixtures.key))
                version += 1
            }
            try await waitForCondition { await harness.cache.watcherCount(fleet: "fleet-a") == 0 }
            try await waitForCondition { harness.api.metrics.subscriberCount(fleet: "fleet-a", kind: .sse) == 0 }
            try? await stalled.close().get()
        }
    }
}
