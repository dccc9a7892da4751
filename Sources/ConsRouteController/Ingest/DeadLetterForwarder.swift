import ConsRouteKafka
import ConsRouteStore
import Foundation

/// Moves dead letters from the history outbox to the dead-letter topic exactly once.
///
/// `apply` writes a batch's dead letters to the outbox in the same transaction as its statistics and
/// offsets; the forwarder produces them in outbox order (one partition, idempotent producer, so the topic
/// keeps that order) with the outbox sequence in a header, then deletes them from the outbox. After a crash
/// between producing and deleting, `reconcile` reads the topic's tail, finds the highest sequence this
/// replica produced, and deletes those rows instead of producing them again.
struct DeadLetterForwarder: Sendable {
    static let sequenceHeader = "consroute-outbox-sequence"
    static let replicaHeader = "consroute-replica"
    static let reasonHeader = "consroute-reason"

    let store: HistoryStore
    let producer: KafkaProducer
    let configuration: IngestConfiguration

    /// Deletes outbox rows that already reached the topic (only needed when the outbox is not empty at start).
    func reconcile() async throws {
        guard try await !store.pendingDeadLetters(limit: 1).isEmpty else { return }
        if let produced = try await highestProducedSequence() {
            try await store.removeDeadLetters(throughSequence: produced)
        }
    }

    /// Produces every pending dead letter and removes it from the outbox.
    ///
    /// - Returns: how many were forwarded.
    @discardableResult
    func flush() async throws -> Int {
        var forwarded = 0
        while true {
            let pending = try await store.pendingDeadLetters(limit: 500)
            guard let last = pending.last else { return forwarded }
            _ = try await producer.send(contentsOf: pending.map(record))
            try await store.removeDeadLetters(throughSequence: last.sequence)
            forwarded += pending.count
        }
    }

    private func record(_ letter: PendingDeadLetter) -> KafkaProducerRecord {
        let source = letter.record
        var headers = [
            KafkaHeader(key: Self.reasonHeader, string: source.reasonCode),
            KafkaHeader(key: "consroute-reason-detail", string: source.reason),
            KafkaHeader(key: "consroute-source-topic", string: source.sourceTopic),
            KafkaHeader(key: "consroute-source-partition", string: String(source.sourcePartition)),
            KafkaHeader(key: "consroute-source-offset", string: String(source.sourceOffset)),
            KafkaHeader(key: Self.sequenceHeader, string: String(letter.sequence)),
            KafkaHeader(key: Self.replicaHeader, string: configuration.replicaID),
        ]
        if let contentType = source.contentType { headers.append(KafkaHeader(key: "content-type", string: contentType)) }
        return KafkaProducerRecord(topic: configuration.deadLetterTopic, partition: 0, value: source.value, headers: headers)
    }

    /// Reads the dead-letter topic from the end backwards (in growing windows) for this replica's highest
    /// outbox sequence.
    private func highestProducedSequence() async throws -> Int64? {
        var window: Int64 = 10_000
        while true {
            let (highest, reachedStart) = try await scanTail(last: window)
            if highest != nil || reachedStart { return highest }
            window *= 10
        }
    }

    private func scanTail(last window: Int64) async throws -> (Int64?, Bool) {
        let partition = KafkaTopicPartition(topic: configuration.deadLetterTopic, partition: 0)
        let end = try await KafkaAdminClient(configuration: configuration.kafka)
            .highWatermark(of: partition)
        guard end > 0 else { return (nil, true) }
        let start = max(0, end - window)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: configuration.kafka, groupID: "\(configuration.group).dlq-reconcile.\(UUID().uuidString)",
                topics: [configuration.deadLetterTopic], sessionTimeout: configuration.sessionTimeout),
            startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, start) }) })
        var highest: Int64?
        scan: for try await event in consumer.events {
            guard case .messages(let batch) = event else { continue }
            for message in batch {
                if message.headers.first(named: Self.replicaHeader)?.stringValue == configuration.replicaID,
                    let text = message.headers.first(named: Self.sequenceHeader)?.stringValue, let sequence = Int64(text)
                {
                    highest = max(highest ?? sequence, sequence)
                }
                if message.offset + 1 >= end { break scan }
            }
        }
        await consumer.shutdown()
        return (highest, start == 0)
    }
}
