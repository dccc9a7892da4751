package import ConsRouteKafka
package import ConsRouteModel
import Foundation
import Synchronization

/// Reads the tables topic from the beginning and keeps, per fleet, the highest version whose signature verifies:
/// what a replica that takes over a fleet (or starts with an empty history) must continue from, so versions keep
/// increasing across replicas (docs/design.md §9). Nothing depends on compaction: every record is read and the highest
/// version wins.
package struct TablesTopicReader: Sendable {
    package let kafka: KafkaConfiguration
    package let topic: String
    /// The keys the controller's tables are signed with.
    package let trustedKeys: [TableVerifyingKey]

    /// - Parameters:
    ///   - kafka: the broker.
    ///   - topic: the tables topic.
    ///   - trustedKeys: records that do not verify against these are skipped.
    package init(kafka: KafkaConfiguration, topic: String, trustedKeys: [TableVerifyingKey]) {
        self.kafka = kafka
        self.topic = topic
        self.trustedKeys = trustedKeys
    }

    /// The highest verified table per fleet, read up to each partition's end as the broker reports it when the
    /// read starts.
    ///
    /// - Parameter timeout: the longest the read may take.
    /// - Throws: Kafka errors, or `TablesTopicReadError.timedOut` when the end was not reached in time.
    package func latestTables(timeout: Duration = .seconds(30)) async throws -> [String: SignedTable] {
        let admin = try KafkaAdminClient(configuration: kafka)
        let metadata = try await admin.metadata(for: topic, timeout: timeout)
        var ends: [Int32: Int64] = [:]
        for partition in metadata.partitions {
            ends[partition] = try await admin.highWatermark(
                of: KafkaTopicPartition(topic: topic, partition: partition),
                timeout: timeout
            )
        }
        ends = ends.filter { $0.value > 0 }
        guard !ends.isEmpty else { return [:] }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: kafka,
                groupID: "consroute-tables-reader-\(UUID().uuidString)",
                topics: [topic],
                offsetReset: .earliest,
                sessionTimeout: .seconds(6)
            ),
            startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0) }) }
        )
        let deadline = ContinuousClock.now + timeout
        let progress = Mutex(ReadProgress())
        let reading = Task { [trustedKeys] in
            for try await event in consumer.events {
                guard case .messages(let batch) = event else { continue }
                var latest = progress.withLock { $0.latest }
                for message in batch {
                    guard let signed = Self.verifiedTable(message.value, trusting: trustedKeys) else { continue }
                    if signed.table.version > latest[signed.table.fleet]?.table.version ?? 0 {
                        latest[signed.table.fleet] = signed
                    }
                }
                progress.withLock { state in
                    state.latest = latest
                    state.lastBatch = .now
                    for message in batch {
                        state.seen[message.partition] = max(state.seen[message.partition] ?? 0, message.offset + 1)
                    }
                }
                if Task.isCancelled { break }
            }
        }
        // The end is reached when every partition's position is at its end. A transaction's commit marker is the
        // last record of a partition written transactionally and is never delivered as a message, so the
        // consumer's position (which passes markers) says it, not the last message's offset. Once the position is
        // there, the messages before it were handed to this process: complete when none waits in the consumer's
        // buffer (a batch the reading task already took is finished before it sees the cancellation).
        var complete = false
        while ContinuousClock.now < deadline {
            let state = progress.withLock { $0 }
            if ends.allSatisfy({ (state.seen[$0.key] ?? 0) >= $0.value }) {
                complete = true
                break
            }
            if let lags = try? await consumer.lag(),
                ends.allSatisfy({ partition, end in
                    lags.contains { $0.topicPartition.partition == partition && ($0.position ?? -1) >= end }
                }),
                consumer.bufferedEventCount == 0,
                ContinuousClock.now - state.lastBatch >= .milliseconds(50)
            {
                complete = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        reading.cancel()
        await consumer.shutdown()
        _ = await reading.result
        guard complete else { throw TablesTopicReadError.timedOut(topic: topic, timeout: timeout) }
        return progress.withLock { $0.latest }
    }
}

extension TablesTopicReader {
    /// A tables-topic record as a table whose signature verifies against `keys`, or nil.
    static func verifiedTable(_ value: [UInt8], trusting keys: [TableVerifyingKey]) -> SignedTable? {
        guard let signed = try? SignedTable(envelope: value), (try? signed.verifySignature(trusting: keys)) != nil
        else { return nil }
        return signed
    }
}

/// What a `TablesTopicReader` has read so far.
private struct ReadProgress: Sendable {
    var latest: [String: SignedTable] = [:]
    /// Per partition, the offset after the last message read.
    var seen: [Int32: Int64] = [:]
    var lastBatch = ContinuousClock.now
}

/// Why the tables topic could not be read to its end.
package enum TablesTopicReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The end of `topic` was not reached within `timeout`.
    case timedOut(topic: String, timeout: Duration)

    package var description: String {
        switch self {
        case .timedOut(let topic, let timeout): "the tables topic \(topic) was not read to its end within \(timeout)"
        }
    }
}
