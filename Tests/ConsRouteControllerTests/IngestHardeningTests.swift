import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import Foundation
import KafkaTestSupport
import Testing

/// Issue 14 on librdkafka's in-process mock cluster: offsets tied to the cluster they came from, dead letters that
/// are not lost, gaps across runs counted.
@Suite("Ingest hardening (mock cluster)", .serialized, .timeLimit(.minutes(5)))
struct IngestHardeningTests {
    private func configuration(_ cluster: KafkaMockCluster, telemetry: String, group: String) throws
        -> IngestConfiguration
    {
        try cluster.createTopic(telemetry, partitions: 2)
        try cluster.createTopic(telemetry + "-dlq", partitions: 1)
        return IngestConfiguration(
            kafka: cluster.clientConfiguration,
            group: group,
            telemetryTopic: telemetry,
            deadLetterTopic: telemetry + "-dlq",
            fleets: TelemetryStream.fleets,
            dedupeWindow: 100_000,
            sessionTimeout: .seconds(6)
        )
    }

    private func historyPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(uniqueName("harden")).sqlite").path
    }

    @Test("two mock clusters report different cluster ids")
    func clusterIDs() async throws {
        let first = try KafkaMockCluster()
        let second = try KafkaMockCluster()
        let one = try KafkaProducer(configuration: KafkaProducerConfiguration(client: first.clientConfiguration))
        let two = try KafkaProducer(configuration: KafkaProducerConfiguration(client: second.clientConfiguration))
        let ids = (try await one.clusterID(), try await two.clusterID())
        await one.shutdown()
        await two.shutdown()
        #expect(ids.0 != nil && ids.0 != ids.1)
    }

    @Test("a restart on another cluster (a new embedded broker) counts its events as new, not replayed")
    func newClusterIsNewLog() async throws {
        let telemetry = uniqueName("telemetry")
        let group = uniqueName("group")
        let store = try HistoryStore(path: historyPath())
        let first = try KafkaMockCluster()
        let before = try configuration(first, telemetry: telemetry, group: group)
        var stream = TelemetryStream(seed: 21)
        try await produceAll(stream.records(count: 3_000, topic: telemetry), to: first.clientConfiguration)
        let firstRun = try await runIngestUntilConsumed(before, store: store)
        #expect(firstRun.accepted > 2_800)

        // The same history, a second broker with a shorter log under the same topic names (the demo's restart).
        let second = try KafkaMockCluster()
        let after = try configuration(second, telemetry: telemetry, group: group)
        var next = TelemetryStream(seed: 22)
        try await produceAll(next.records(count: 1_000, topic: telemetry), to: second.clientConfiguration)
        let secondRun = try await runIngestUntilConsumed(after, store: store)
        #expect(secondRun.replayed == 0)
        #expect(secondRun.accepted + secondRun.deadLettered + secondRun.rejections["duplicate", default: 0] == 1_000)
        #expect(secondRun.accepted > 900)
        let probe = try KafkaProducer(configuration: KafkaProducerConfiguration(client: second.clientConfiguration))
        let secondID = try await probe.clusterID()
        await probe.shutdown()
        #expect(secondID != nil)
        #expect(try await store.consumerOffsetCluster(group: group, topic: telemetry) == secondID)
    }

    @Test("an oversize rejected message reaches the dead-letter topic truncated, with a header saying so")
    func oversizeDeadLetter() async throws {
        let cluster = try KafkaMockCluster()
        let telemetry = uniqueName("telemetry")
        let configuration = try configuration(cluster, telemetry: telemetry, group: uniqueName("group"))
        let store = try HistoryStore(path: historyPath())
        var client = cluster.clientConfiguration
        client.additionalConfig["message.max.bytes"] = "4000000"
        let original = [UInt8](repeating: 0x5A, count: 1_100_000)
        try await produceAll([KafkaProducerRecord(topic: telemetry, partition: 0, value: original)], to: client)
        let counters = try await runIngestUntilConsumed(configuration, store: store)
        #expect(counters.rejections["oversize"] == 1)
        let letters = try await readAll(
            topic: configuration.deadLetterTopic,
            client: cluster.clientConfiguration,
            expected: 1
        )
        #expect(letters.count == 1)
        #expect(letters.first?.headers.first(named: "consroute-truncated")?.stringValue == "1100000")
        #expect(letters.first?.value == Array(original.prefix(512 * 1024)))
        #expect(try await store.pendingDeadLetters().isEmpty)
    }

    @Test("a dead letter whose delivery fails stays in the outbox, the failure is raised, and a retry delivers it")
    func failedDeliveryKeepsOutbox() async throws {
        let cluster = try KafkaMockCluster()
        let telemetry = uniqueName("telemetry")
        let configuration = try configuration(cluster, telemetry: telemetry, group: uniqueName("group"))
        let store = try HistoryStore(path: historyPath())
        let letter = DeadLetterRecord(
            sourceTopic: telemetry,
            sourcePartition: 0,
            sourceOffset: 0,
            reasonCode: "malformed",
            reason: "test",
            contentType: nil,
            value: [1, 2, 3],
            recordedAt: 0
        )
        try await store.apply(
            IngestEffect(
                offsets: [ConsumerOffset(group: configuration.group, topic: telemetry, partition: 0, nextOffset: 1)],
                deadLetters: [letter]
            )
        )
        cluster.failNextRequests(.produce, with: [.topicAuthorizationFailed])
        let failing = IngestService(configuration: configuration, store: store)
        await #expect(throws: (any Error).self) { try await failing.run() }
        #expect(try await store.pendingDeadLetters().count == 1)

        let retry = IngestService(configuration: configuration, store: store)
        let task = Task { try await retry.run() }
        try await waitForCondition { (try? await store.pendingDeadLetters().isEmpty) ?? false }
        task.cancel()
        try await task.value
        let letters = try await readAll(
            topic: configuration.deadLetterTopic,
            client: cluster.clientConfiguration,
            expected: 1
        )
        #expect(letters.map(\.value) == [[1, 2, 3]])
    }

    @Test("a run that cannot start (a managed librdkafka key) leaves a failure that keeps the controller not ready")
    func failureForReadiness() async throws {
        let cluster = try KafkaMockCluster()
        var configuration = try configuration(cluster, telemetry: uniqueName("telemetry"), group: uniqueName("group"))
        configuration.kafka.additionalConfig["enable.auto.commit"] = "true"
        let service = IngestService(configuration: configuration, store: try HistoryStore(path: historyPath()))
        #expect(service.failure == nil)
        await #expect(throws: KafkaError.self) { try await service.run() }
        #expect(service.failure?.contains("enable.auto.commit") == true)
    }
}
