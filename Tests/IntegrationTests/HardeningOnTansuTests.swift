import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
import Foundation
import KafkaTestSupport
import Testing

/// Issue 14 on the real broker, with `consroute ingest` as a child process: a message that used to crash the
/// controller (and crash it again after every restart, the broker keeping it) is dead-lettered instead, and a
/// rejected message over 1 MB reaches the dead-letter topic truncated instead of vanishing. In process: commit
/// markers are not lost, and events that retention deleted before ingest read them are (on the s3-engine broker,
/// whose log start a test can move).
@Suite("Hardening (real broker)", .serialized, .timeLimit(.minutes(5)))
struct HardeningOnTansuTests {
    private struct Topics {
        let telemetry: String
        let deadLetters: String
        let group: String
        let history: String
    }

    private func topics(_ prefix: String, client: KafkaConfiguration) async throws -> Topics {
        let run = UUID().uuidString.prefix(8)
        let names = Topics(
            telemetry: "\(prefix)-telemetry-\(run)",
            deadLetters: "\(prefix)-dlq-\(run)",
            group: "\(prefix)-\(run)",
            history: FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(run).sqlite").path
        )
        let admin = try KafkaAdminClient(configuration: client)
        try await admin.createTopic(KafkaTopicSpecification(name: names.telemetry, partitions: 1))
        try await admin.createTopic(KafkaTopicSpecification(name: names.deadLetters, partitions: 1))
        return names
    }

    private func event(_ index: Int, timeUnixMs: Int64, generator: inout SeededGenerator) -> TelemetryEvent {
        TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: "fleet-a",
            deviceID: "device-\(index)",
            timeUnixMs: timeUnixMs,
            tableVersion: 1,
            cluster: UInt32(index % 4),
            representation: (0..<16).map { _ in Float(generator.nextGaussian()) },
            pDevice: 0.5,
            pEdge: 0.5,
            tier: .edge,
            latencyMs: 200,
            cost: 0.001
        )
    }

    /// Waits until history's offsets reach `messages`, failing early if the process died.
    private func waitUntilConsumed(
        _ store: HistoryStore,
        _ names: Topics,
        messages: Int64,
        process: ChildProcess,
        timeout: Duration = .seconds(120)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var consumed: Int64 = 0
        while ContinuousClock.now < deadline {
            consumed = try await store.storedOffsets(group: names.group, topic: names.telemetry).values.reduce(0, +)
            if consumed == messages { return }
            if let status = process.exitStatus {
                throw IntegrationSetupError(description: "consroute ingest died: \(status)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw IntegrationSetupError(
            description: "ingest consumed \(consumed) of \(messages) messages within \(timeout)"
        )
    }

    @Test(
        "events timed -2^63 and -9.2e18 are dead-lettered as bad_time; ingest neither crashes nor stops, across a restart"
    )
    func extremeTimes() async throws {
        let client = try testBroker()
        let names = try await topics("badtime", client: client)
        var generator = SeededGenerator(seed: 14)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        var values: [[UInt8]] = (0..<100).map {
            event($0, timeUnixMs: now - Int64($0), generator: &generator).protobufBytes()
        }
        values.append(event(100, timeUnixMs: .min, generator: &generator).protobufBytes())
        values.append(event(101, timeUnixMs: -9_200_000_000_000_000_000, generator: &generator).protobufBytes())
        values += (102..<202).map { event($0, timeUnixMs: now - Int64($0), generator: &generator).protobufBytes() }
        try await produceAll(
            values.map { KafkaProducerRecord(topic: names.telemetry, key: Array("fleet-a".utf8), value: $0) },
            to: client
        )

        let runner = IngestProcessRunner(
            broker: client.bootstrapServers.joined(separator: ","),
            history: names.history,
            telemetryTopic: names.telemetry,
            deadLetterTopic: names.deadLetters,
            group: names.group,
            fleets: ["fleet-a": 16]
        )
        let store = try HistoryStore(path: names.history)
        var process = try runner.start()
        defer { process.kill(signal: SIGKILL) }
        try await waitUntilConsumed(store, names, messages: 202, process: process)
        // The broker still holds both messages: a restart must read past them again.
        process.kill(signal: SIGTERM)
        #expect(process.wait() == 0)
        process = try runner.start()
        try await Task.sleep(for: .seconds(3))
        #expect(process.exitStatus == nil, "the restarted ingest died")
        process.kill(signal: SIGTERM)
        #expect(process.wait() == 0)

        let counted = try await store.statistics(HistoryQuery()).reduce(Int64(0)) { $0 + $1.sums.eventCount }
        #expect(counted == 200)
        let letters = try await readAll(topic: names.deadLetters, client: client, expected: 2)
        #expect(letters.count == 2)
        #expect(letters.allSatisfy { $0.headers.first(named: "consroute-reason")?.stringValue == "bad_time" })
    }

    @Test("a telemetry topic written in transactions: the commit markers' offsets are not counted as lost")
    func transactionMarkersAreNotLost() async throws {
        let client = try testBroker()
        let names = try await topics("txn", client: client)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: client, transactionalID: names.group + ".writer")
        )
        try await producer.initTransactions(timeout: .seconds(20))
        var stream = TelemetryStream(seed: 31)
        // Five transactions of three events: each commit leaves a marker at one offset that no consumer receives.
        for _ in 0..<5 { try await producer.sendInTransaction(stream.records(count: 3, topic: names.telemetry)) }
        await producer.shutdown()
        let ends = try await endOffsets(topic: names.telemetry, client: client)
        #expect((ends[0] ?? 0) > 15, "the broker wrote no markers: the test cannot tell them from lost messages")

        let store = try HistoryStore(path: names.history)
        let counters = try await ingest(names, client: client, store: store, fleets: TelemetryStream.fleets) {
            $0.accepted + $0.deadLettered + $0.rejections["duplicate", default: 0] >= 15
        }
        #expect(counters.accepted + counters.deadLettered + counters.rejections["duplicate", default: 0] == 15)
        #expect(counters.lost == 0, "partition 0 ends at \(ends[0] ?? -1) after 15 events")
    }

    /// Runs an in-process ingest on `store` until its counters satisfy `done` (or 60 s), then stops it.
    private func ingest(
        _ names: Topics,
        client: KafkaConfiguration,
        store: HistoryStore,
        fleets: [String: Int] = ["fleet-a": 16],
        until done: @escaping @Sendable (IngestService.Counters) -> Bool
    ) async throws -> IngestService.Counters {
        let service = IngestService(
            configuration: IngestConfiguration(
                kafka: client,
                group: names.group,
                telemetryTopic: names.telemetry,
                deadLetterTopic: names.deadLetters,
                fleets: fleets,
                dedupeWindow: 100_000,
                sessionTimeout: .seconds(10)
            ),
            store: store
        )
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, !done(service.counters) { try await Task.sleep(for: .milliseconds(100)) }
        task.cancel()
        try await task.value
        return service.counters
    }

    @Test(
        "retention moved a partition's start past unread events while ingest was down: they are counted lost, the rest accepted"
    )
    func retentionGapIsLost() async throws {
        let client = try testObjectStoreBroker()
        let names = try await topics("retention", client: client)
        var generator = SeededGenerator(seed: 4)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        func records(_ indices: Range<Int>) -> [KafkaProducerRecord] {
            indices.map {
                KafkaProducerRecord(
                    topic: names.telemetry,
                    partition: 0,
                    value: event($0, timeUnixMs: now - Int64($0), generator: &generator).protobufBytes()
                )
            }
        }
        let store = try HistoryStore(path: names.history)
        try await produceAll(records(0..<10), to: client)
        let first = try await ingest(names, client: client, store: store) { $0.accepted >= 10 }
        #expect(first.accepted == 10 && first.lost == 0)

        // While ingest is down, 20 more arrive (two producers, so a batch starts at offset 20), then retention
        // deletes everything before offset 20: the 10 unread events at 10..<20 are gone.
        try await produceAll(records(10..<20), to: client)
        try await produceAll(records(20..<30), to: client)
        try moveLogStart(topic: names.telemetry, partition: 0, to: 20)

        let second = try await ingest(names, client: client, store: store) { $0.accepted >= 10 }
        #expect(second.accepted == 10)
        #expect(second.lost == 10, "the jump from the stored offset 10 to 20 is retention's, below the low watermark")
        let stored = try await store.storedOffsets(group: names.group, topic: names.telemetry)
        #expect(stored[0] == 30)
        let counted = try await store.statistics(HistoryQuery()).reduce(Int64(0)) { $0 + $1.sums.eventCount }
        #expect(counted == 20)
    }

    @Test("a rejected 1.1 MB message reaches the dead-letter topic truncated, with a header saying so")
    func oversizeDeadLetter() async throws {
        let client = try testBroker()
        let names = try await topics("oversize", client: client)
        var large = client
        large.additionalConfig["message.max.bytes"] = "4000000"
        let original = [UInt8](repeating: 0x5A, count: 1_100_000)
        try await produceAll([KafkaProducerRecord(topic: names.telemetry, partition: 0, value: original)], to: large)
        let runner = IngestProcessRunner(
            broker: client.bootstrapServers.joined(separator: ","),
            history: names.history,
            telemetryTopic: names.telemetry,
            deadLetterTopic: names.deadLetters,
            group: names.group,
            fleets: ["fleet-a": 16]
        )
        let store = try HistoryStore(path: names.history)
        let process = try runner.start()
        defer { process.kill(signal: SIGKILL) }
        try await waitUntilConsumed(store, names, messages: 1, process: process)
        let letters = try await readAll(topic: names.deadLetters, client: client, expected: 1)
        process.kill(signal: SIGTERM)
        #expect(process.wait() == 0)
        #expect(letters.count == 1)
        #expect(letters.first?.headers.first(named: "consroute-truncated")?.stringValue == "1100000")
        #expect(letters.first?.value.count == 512 * 1024)
        #expect(try await store.pendingDeadLetters().isEmpty)
    }
}
