import ConsRouteKafka
import ConsRouteStore
import Foundation
import Synchronization

/// Moves dead letters from the history outbox to the dead-letter topic exactly once.
///
/// `apply` writes a batch's dead letters to the outbox in the same transaction as its statistics and
/// offsets; the forwarder produces them in outbox order (one partition, idempotent producer, so the topic
/// keeps that order) with the outbox sequence in a header, then deletes them from the outbox. After a crash
/// between producing and deleting, `reconcile` reads the topic's tail, finds the highest sequence this
/// replica produced, and deletes those rows instead of producing them again.
///
/// A row leaves the outbox only when its delivery report says it reached the topic: after a failed delivery the
/// rows from the first failure on stay (the error is thrown, so ingest restarts and retries them, and logs it).
/// An original larger than `truncatedValueBytes` would never fit a broker's message limit: it is produced
/// truncated to that size, with the header `consroute-truncated: <original bytes>`.
struct DeadLetterForwarder: Sendable {
    static let sequenceHeader = "consroute-outbox-sequence"
    static let replicaHeader = "consroute-replica"
    static let reasonHeader = "consroute-reason"
    static let truncatedHeader = "consroute-truncated"
    /// The most bytes of an original a dead letter carries: 512 KiB stays under the default 1 MB message limit of
    /// brokers and of librdkafka's producer with room for the headers.
    static let truncatedValueBytes = 512 * 1024

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
            let report = try await producer.send(contentsOf: pending.map(record))
            guard report.allDelivered else {
                // The key of each record is its sequence: keep every row from the first failure on, so that the
                // outbox never loses one (those after it that did arrive are sent again: at least once).
                let failedSequences = report.failures.compactMap { failure in
                    failure.key.flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
                }
                let firstFailed = failedSequences.min() ?? pending[0].sequence
                let delivered = pending.prefix { $0.sequence < firstFailed }
                if let through = delivered.last {
                    try await store.removeDeadLetters(throughSequence: through.sequence)
                }
                throw OutboxDeliveryFailed(
                    what: "dead letters",
                    topic: configuration.deadLetterTopic,
                    failed: report.failures.count,
                    firstError: report.failures.first.map { "\($0.error)" } ?? "unknown"
                )
            }
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
        if let contentType = source.contentType {
            headers.append(KafkaHeader(key: "content-type", string: contentType))
        }
        var value = source.value
        if value.count > Self.truncatedValueBytes {
            headers.append(KafkaHeader(key: Self.truncatedHeader, string: String(value.count)))
            value = Array(value.prefix(Self.truncatedValueBytes))
        }
        return KafkaProducerRecord(
            topic: configuration.deadLetterTopic,
            partition: 0,
            key: Array(String(letter.sequence).utf8),
            value: value,
            headers: headers
        )
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

    /// Reads the last `window` messages of the dead-letter topic (from the high watermark back), and keeps
    /// reading until nothing arrives for a second: some brokers (Tansu's memory engine) report a watermark
    /// below the real end, so the watermark only says where to start.
    private func scanTail(last window: Int64) async throws -> (Int64?, Bool) {
        let partition = KafkaTopicPartition(topic: configuration.deadLetterTopic, partition: 0)
        let end = try await KafkaAdminClient(configuration: configuration.kafka).highWatermark(of: partition)
        let start = max(0, end - window)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: configuration.kafka,
                groupID: "\(configuration.group).dlq-reconcile.\(UUID().uuidString)",
                topics: [configuration.deadLetterTopic],
                sessionTimeout: configuration.sessionTimeout
            ),
            startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, start) }) }
        )
        let replicaID = configuration.replicaID
        let scan = Mutex<(highest: Int64?, assigned: Bool, last: ContinuousClock.Instant)>((nil, false, .now))
        let reader = Task {
            for try await event in consumer.events {
                switch event {
                case .assigned:
                    scan.withLock {
                        $0.assigned = true
                        $0.last = .now
                    }
                case .messages(let batch):
                    for message in batch
                    where message.headers.first(named: Self.replicaHeader)?.stringValue == replicaID {
                        guard let text = message.headers.first(named: Self.sequenceHeader)?.stringValue,
                            let sequence = Int64(text)
                        else { continue }
                        scan.withLock { $0.highest = max($0.highest ?? sequence, sequence) }
                    }
                    scan.withLock { $0.last = .now }
                case .revoked, .error:
                    break
                }
            }
        }
        // Done once assigned and quiet for a second (an empty topic or the end reached).
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let (assigned, last) = scan.withLock { ($0.assigned, $0.last) }
            if assigned, ContinuousClock.now - last >= .seconds(1) { break }
            if ContinuousClock.now > deadline {
                reader.cancel()
                await consumer.shutdown()
                throw KafkaError.consumerFailed(
                    operation: "reading \(configuration.deadLetterTopic) to reconcile the dead-letter outbox",
                    code: .timedOut,
                    reason: "no assignment or no end within 120 s"
                )
            }
        }
        reader.cancel()
        await consumer.shutdown()
        return (scan.withLock { $0.highest }, start == 0)
    }
}

/// Some records of a history outbox (dead letters, or history records for other replicas) did not reach their topic;
/// they stay in the outbox and are retried.
struct OutboxDeliveryFailed: Error, CustomStringConvertible {
    /// What the outbox holds, plural ("dead letters").
    var what: String
    var topic: String
    var failed: Int
    var firstError: String

    var description: String {
        "\(failed) \(what) did not reach topic \(topic) (kept in the history outbox, retried): \(firstError)"
    }
}
