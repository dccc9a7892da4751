import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
import Foundation
import KafkaTestSupport
import Testing

/// Exactly-once ingestion across crashes, against the real broker: the `consroute ingest` process is killed
/// with SIGKILL at random points while telemetry with malformed and duplicated messages is produced; history
/// must then hold exactly the valid unique events and the dead-letter topic exactly the malformed ones.
@Suite("Ingestion crash safety (real broker)", .serialized)
struct IngestCrashTests {
    @Test(
        "five SIGKILLs while a 200,000-event stream is produced and consumed, then a SIGTERM restart: every event counted once"
    )
    func crashes() async throws {
        let client = try testBroker()
        let run = UUID().uuidString.prefix(8)
        let telemetry = "crash-telemetry-\(run)"
        let deadLetters = "crash-dlq-\(run)"
        let admin = try KafkaAdminClient(configuration: client)
        try await admin.createTopic(KafkaTopicSpecification(name: telemetry, partitions: 2))
        try await admin.createTopic(KafkaTopicSpecification(name: deadLetters, partitions: 1))
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(run).sqlite").path
        let ingest = IngestProcessRunner(
            broker: client.bootstrapServers.joined(separator: ","),
            history: history,
            telemetryTopic: telemetry,
            deadLetterTopic: deadLetters,
            group: "crash-\(run)",
            fleets: TelemetryStream.fleets
        )

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        let total = 200_000
        // The stream is produced while the consumer runs, in chunks of 2,000 about every 40 ms (~4 s in all).
        let production = Task { () throws -> TelemetryStream in
            var stream = TelemetryStream(seed: 2026)
            var produced = 0
            while produced < total {
                _ = try await producer.send(contentsOf: stream.records(count: 2_000, topic: telemetry))
                produced += 2_000
                try await Task.sleep(for: .milliseconds(40))
            }
            return stream
        }
        let store = try HistoryStore(path: history)
        var generator = SeededGenerator(seed: 77)
        var process = try ingest.start()
        defer { process.kill(signal: SIGKILL) }
        for round in 1...5 {
            // Kill at a random moment once this process is consuming (its offsets moved past the last ones).
            let before = try await consumedCount(store: store, group: "crash-\(run)", topic: telemetry)
            try await waitForProgress(store: store, group: "crash-\(run)", topic: telemetry, beyond: before)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...400, using: &generator)))
            process.kill(signal: SIGKILL)
            let at = try await consumedCount(store: store, group: "crash-\(run)", topic: telemetry)
            progress("SIGKILL \(round) with \(at) messages consumed: \(process.wait())")
            process = try ingest.start()
        }
        var stream = try await production.value
        try await producer.flush()
        try await waitUntilConsumed(
            store: store,
            group: "crash-\(run)",
            topic: telemetry,
            messages: total,
            timeout: .seconds(240)
        )
        progress("consumed everything after the last SIGKILL")
        // Graceful restart: SIGTERM exits 0 after the current batch, and a restart counts nothing twice.
        process.kill(signal: SIGTERM)
        #expect(process.wait() == 0)
        progress("stopped with SIGTERM")
        _ = try await producer.send(contentsOf: stream.records(count: 5_000, topic: telemetry))
        try await producer.flush()
        process = try ingest.start()
        try await waitUntilConsumed(
            store: store,
            group: "crash-\(run)",
            topic: telemetry,
            messages: total + 5_000,
            timeout: .seconds(120)
        )
        process.kill(signal: SIGTERM)
        #expect(process.wait() == 0)
        await producer.shutdown()

        let summaries = try await store.statistics(HistoryQuery())
        var counted: [String: Int64] = [:]
        for summary in summaries {
            counted["\(summary.fleet)/\(summary.cluster)", default: 0] += summary.sums.eventCount
        }
        #expect(counted == stream.expectedCounts)
        #expect(stream.expectedCounts.values.reduce(0, +) > 190_000)
        let letters = try await readAll(topic: deadLetters, client: client, expected: stream.malformedCount)
        #expect(letters.count == stream.malformedCount)
        #expect(Set(letters.map(\.value)) == Set(stream.malformedPayloads))
        #expect(try await store.pendingDeadLetters().isEmpty)
        #expect(try await store.integrityProblems().isEmpty)
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("IngestCrashTests: \(text)\n".utf8))
    }

    private func consumedCount(store: HistoryStore, group: String, topic: String) async throws -> Int64 {
        try await store.storedOffsets(group: group, topic: topic).values.reduce(0, +)
    }

    private func waitForProgress(store: HistoryStore, group: String, topic: String, beyond: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await consumedCount(store: store, group: group, topic: topic) > beyond { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw IntegrationSetupError(description: "the ingest process made no progress within 60 s")
    }

    /// Waits until history's stored offsets account for every produced message (offsets are contiguous from 0
    /// per partition, so their sum is the number of messages consumed).
    private func waitUntilConsumed(
        store: HistoryStore,
        group: String,
        topic: String,
        messages: Int,
        timeout: Duration
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var consumed: Int64 = 0
        while ContinuousClock.now < deadline {
            consumed = try await store.storedOffsets(group: group, topic: topic).values.reduce(0, +)
            if consumed == Int64(messages) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw IntegrationSetupError(
            description: "ingest consumed \(consumed) of \(messages) messages within \(timeout)"
        )
    }
}
