import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import Foundation
import KafkaTestSupport
import Synchronization
import Testing

/// The ingestion service end to end on librdkafka's in-process mock cluster and a real SQLite file.
@Suite("Ingest service (mock cluster)", .serialized)
struct IngestServiceTests {
    private struct Setup {
        let cluster: KafkaMockCluster
        var configuration: IngestConfiguration
        let history: String
    }

    private func setup() throws -> Setup {
        let cluster = try KafkaMockCluster()
        let telemetry = uniqueName("telemetry")
        try cluster.createTopic(telemetry, partitions: 2)
        try cluster.createTopic(telemetry + "-dlq", partitions: 1)
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("ingest")).sqlite")
            .path
        return Setup(
            cluster: cluster,
            configuration: IngestConfiguration(
                kafka: cluster.clientConfiguration,
                group: uniqueName("group"),
                telemetryTopic: telemetry,
                deadLetterTopic: telemetry + "-dlq",
                fleets: TelemetryStream.fleets,
                dedupeWindow: 100_000,
                sessionTimeout: .seconds(6)
            ),
            history: history
        )
    }

    @Test("valid unique events are counted once, malformed ones dead-lettered, across a restart")
    func countsAndDeadLetters() async throws {
        let setup = try setup()
        let store = try HistoryStore(path: setup.history)
        var stream = TelemetryStream(seed: 9)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: setup.cluster.clientConfiguration)
        )
        _ = try await producer.send(contentsOf: stream.records(count: 6_000, topic: setup.configuration.telemetryTopic))
        let first = try await runIngestUntilConsumed(setup.configuration, store: store)
        #expect(first.accepted > 5_000 && first.deadLettered == stream.malformedCount)
        // A restart replays the dedupe window from the stored replay offsets and counts only new events;
        // the duplicates of the second run that repeat first-run events are caught by the rebuilt window.
        _ = try await producer.send(contentsOf: stream.records(count: 4_000, topic: setup.configuration.telemetryTopic))
        await producer.shutdown()
        let second = try await runIngestUntilConsumed(setup.configuration, store: store)
        #expect(second.replayed > 0)

        var counted: [String: Int64] = [:]
        for summary in try await store.statistics(HistoryQuery()) {
            counted["\(summary.fleet)/\(summary.cluster)", default: 0] += summary.sums.eventCount
        }
        #expect(counted == stream.expectedCounts)
        let letters = try await readAll(
            topic: setup.configuration.deadLetterTopic,
            client: setup.cluster.clientConfiguration,
            expected: stream.malformedCount
        )
        #expect(
            letters.map(\.value).sorted { $0.lexicographicallyPrecedes($1) }
                == stream.malformedPayloads.sorted { $0.lexicographicallyPrecedes($1) }
        )
        #expect(
            Set(letters.compactMap { $0.headers.first(named: "consroute-reason")?.stringValue })
                == [
                    "malformed", "wrong_dimension", "non_finite", "score_out_of_range", "unknown_fleet",
                    "negative_value",
                ]
        )
        #expect(try await store.pendingDeadLetters().isEmpty)
    }

    /// Two replicas of one group, each with its own history: A consumes 6,000 events of `seed`'s stream and stops,
    /// then B takes the partitions over and consumes 4,000 more, some repeating A's (duplicates that only a dedupe
    /// window rebuilt from A's checkpoint recognises).
    private struct Takeover {
        var first: IngestService.Counters
        var second: IngestService.Counters
        /// Events counted per fleet and cluster over both histories.
        var counted: [String: Int64]
        var expected: [String: Int64]
    }

    /// Runs a `Takeover`; `beforeFirst` runs before A starts, `beforeFirstStops` once A stored every offset.
    private func takeover(
        seed: UInt64,
        beforeFirst: (Setup) -> Void = { _ in },
        beforeFirstStops: (Setup) -> Void = { _ in }
    ) async throws -> Takeover {
        let setup = try setup()
        let stores = [try HistoryStore(path: setup.history), try HistoryStore(path: setup.history + "-b.sqlite")]
        var stream = TelemetryStream(seed: seed)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: setup.cluster.clientConfiguration)
        )
        _ = try await producer.send(contentsOf: stream.records(count: 6_000, topic: setup.configuration.telemetryTopic))
        beforeFirst(setup)
        let first = try await runIngestUntilConsumed(setup.configuration, store: stores[0]) {
            beforeFirstStops(setup)
        }
        _ = try await producer.send(contentsOf: stream.records(count: 4_000, topic: setup.configuration.telemetryTopic))
        await producer.shutdown()
        let second = try await runIngestUntilConsumed(setup.configuration, store: stores[1])
        var counted: [String: Int64] = [:]
        for store in stores {
            for summary in try await store.statistics(HistoryQuery()) {
                counted["\(summary.fleet)/\(summary.cluster)", default: 0] += summary.sums.eventCount
            }
        }
        return Takeover(first: first, second: second, counted: counted, expected: stream.expectedCounts)
    }

    @Test(
        "a replica with an empty history that takes the partitions over counts only new events: it starts at the group's commit and rebuilds the dedupe window from the replay offset committed with it"
    )
    func takeoverFromTheGroupCheckpoint() async throws {
        let run = try await takeover(seed: 12)
        #expect(run.first.accepted > 5_000)
        #expect(run.second.replayed > 0)
        #expect(run.second.accepted < 4_000)
        #expect(run.counted == run.expected)
    }

    @Test(
        "offsets the group refused to commit while the replica ran are committed before it stops: the replica that takes the partitions over counts nothing twice"
    )
    func refusedCommitsAreSentAgain() async throws {
        // Every commit of replica A's run is refused (a permanent error librdkafka does not retry itself) until
        // it has stored all of its events; then the coordinator takes commits again, and A stops.
        let run = try await takeover(
            seed: 13,
            beforeFirst: {
                $0.cluster.failNextRequests(
                    .offsetCommit,
                    with: Array(repeating: .topicAuthorizationFailed, count: 100_000)
                )
            },
            beforeFirstStops: { $0.cluster.clearRequestErrors(.offsetCommit) }
        )
        #expect(run.first.accepted > 5_000)
        #expect(run.second.accepted < 4_000)
        #expect(run.counted == run.expected)
    }

    @Test(
        "with replicas, the history role counts every event into history without feeding the loops, and the loop role feeds the loops and dead-letters without writing statistics"
    )
    func historyAndLoopRoles() async throws {
        var setup = try setup()
        var stream = TelemetryStream(seed: 15)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: setup.cluster.clientConfiguration)
        )
        _ = try await producer.send(contentsOf: stream.records(count: 5_000, topic: setup.configuration.telemetryTopic))
        await producer.shutdown()
        let expected = stream.expectedCounts.values.reduce(0, +)

        let history = try HistoryStore(path: setup.history)
        setup.configuration.role = .history
        let fed = Mutex(0)
        let historyService = IngestService(configuration: setup.configuration, store: history) { events, _ in
            fed.withLock { $0 += events.count }
        }
        let historyTask = Task { try await historyService.run() }

        let loopStore = try HistoryStore(path: setup.history + "-loop.sqlite")
        var loop = setup.configuration
        loop.group += "-loop"
        loop.role = .loop
        let handed = Mutex(0)
        let loopService = IngestService(configuration: loop, store: loopStore) { events, isReplay in
            if !isReplay { handed.withLock { $0 += events.count } }
        }
        let loopTask = Task { try await loopService.run() }
        try await waitUntil("both roles consumed everything", timeout: .seconds(60)) {
            historyService.counters.accepted == Int(expected) && handed.withLock { $0 } == Int(expected)
        }
        historyTask.cancel()
        loopTask.cancel()
        try await historyTask.value
        try await loopTask.value

        var counted: [String: Int64] = [:]
        for summary in try await history.statistics(HistoryQuery()) {
            counted["\(summary.fleet)/\(summary.cluster)", default: 0] += summary.sums.eventCount
        }
        #expect(counted == stream.expectedCounts)
        #expect(fed.withLock { $0 } == 0)
        #expect(try await loopStore.statistics(HistoryQuery()).isEmpty)
        #expect(try await loopStore.storedOffsets(group: loop.group, topic: loop.telemetryTopic).isEmpty)
        // The loop role forwarded the dead letters; the history role recorded none.
        let letters = try await readAll(
            topic: setup.configuration.deadLetterTopic,
            client: setup.cluster.clientConfiguration,
            expected: stream.malformedCount
        )
        #expect(letters.count == stream.malformedCount)
        #expect(try await history.pendingDeadLetters().isEmpty)
    }

    @Test("the lag falls to 0 once everything is consumed, though no message arrives after the burst")
    func lagOnIdlePartitions() async throws {
        var setup = try setup()
        // Small batches: the burst takes many batches, so a lag measured at its start is far from 0.
        setup.configuration.batchSize = 50
        let store = try HistoryStore(path: setup.history)
        var stream = TelemetryStream(seed: 4)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: setup.cluster.clientConfiguration)
        )
        _ = try await producer.send(
            contentsOf: stream.records(count: 20_000, topic: setup.configuration.telemetryTopic)
        )
        await producer.shutdown()
        let service = IngestService(configuration: setup.configuration, store: store)
        let task = Task { try await service.run() }
        let consumed = try await waitUntilConsumed(setup.configuration, store: store)
        // Everything is consumed and nothing more arrives: within a few measurements the lag must say 0.
        var measured: [Int64?] = [service.lag]
        let idleDeadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < idleDeadline, service.lag != 0 {
            if measured.last != service.lag { measured.append(service.lag) }
            try await Task.sleep(for: .milliseconds(100))
        }
        let lag = service.lag
        task.cancel()
        try await task.value
        #expect(consumed)
        #expect(lag == 0, "lags seen: \(measured)")
    }

    @Test("dead letters left in the outbox by a crash are produced once: reconciled against the topic")
    func outboxReconciliation() async throws {
        let setup = try setup()
        let store = try HistoryStore(path: setup.history)
        let letter = DeadLetterRecord(
            sourceTopic: setup.configuration.telemetryTopic,
            sourcePartition: 0,
            sourceOffset: 0,
            reasonCode: "malformed",
            reason: "test",
            contentType: nil,
            value: [1, 2, 3],
            recordedAt: 0
        )
        // Simulate: two batches' dead letters stored; the first was produced before the crash, not yet removed.
        try await store.apply(
            IngestEffect(
                offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 1)],
                deadLetters: [letter]
            )
        )
        var second = letter
        second.sourceOffset = 1
        second.value = [4, 5, 6]
        try await store.apply(
            IngestEffect(
                offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 2)],
                deadLetters: [second]
            )
        )
        let pending = try await store.pendingDeadLetters()
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: setup.cluster.clientConfiguration)
        )
        _ = try await producer.send(
            KafkaProducerRecord(
                topic: setup.configuration.deadLetterTopic,
                partition: 0,
                value: [1, 2, 3],
                headers: [
                    KafkaHeader(key: "consroute-outbox-sequence", string: String(pending[0].sequence)),
                    KafkaHeader(key: "consroute-replica", string: setup.configuration.replicaID),
                ]
            )
        )
        await producer.shutdown()
        let service = IngestService(configuration: setup.configuration, store: store)
        let task = Task { try await service.run() }
        _ = try await poll(every: .milliseconds(50)) { try await store.pendingDeadLetters().isEmpty }
        task.cancel()
        try await task.value
        let letters = try await readAll(
            topic: setup.configuration.deadLetterTopic,
            client: setup.cluster.clientConfiguration,
            expected: 2
        )
        #expect(letters.map(\.value) == [[1, 2, 3], [4, 5, 6]])
        #expect(try await store.pendingDeadLetters().isEmpty)
    }
}
