public import ConsRouteKafka
public import ConsRouteModel
import Foundation

/// Reads the tables topic from the beginning and keeps, per fleet, the highest version whose signature verifies:
/// what a replica that takes over a fleet (or starts with an empty history) must continue from, so versions keep
/// increasing across replicas (docs/design.md §9). Nothing depends on compaction: every record is read and the highest
/// version wins.
public struct TablesTopicReader: Sendable {
    public let kafka: KafkaConfiguration
    public let topic: String
    /// The keys the controller's tables are signed with.
    public let trustedKeys: [TableVerifyingKey]

    /// - Parameters:
    ///   - kafka: the broker.
    ///   - topic: the tables topic.
    ///   - trustedKeys: records that do not verify against these are skipped.
    public init(kafka: KafkaConfiguration, topic: String, trustedKeys: [TableVerifyingKey]) {
        self.kafka = kafka
        self.topic = topic
        self.trustedKeys = trustedKeys
    }

    /// The highest verified table per fleet, read up to each partition's end as the broker reports it when the
    /// read starts.
    ///
    /// - Parameter timeout: the longest the read may take.
    /// - Throws: Kafka errors, or `TablesTopicReadError.timedOut` when the end was not reached in time.
    public func latestTables(timeout: Duration = .seconds(30)) async throws -> [String: SignedTable] {
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
            )
        )
        let deadline = ContinuousClock.now + timeout
        let reading = Task { [trustedKeys] () throws -> (tables: [String: SignedTable], complete: Bool) in
            var latest: [String: SignedTable] = [:]
            var remaining = ends
            for try await event in consumer.events {
                guard case .messages(let batch) = event else { continue }
                for message in batch {
                    if let end = remaining[message.partition], message.offset + 1 >= end {
                        remaining[message.partition] = nil
                    }
                    guard let signed = try? SignedTable(envelope: message.value),
                        (try? signed.verifySignature(trusting: trustedKeys)) != nil
                    else { continue }
                    if signed.table.version > latest[signed.table.fleet]?.table.version ?? 0 {
                        latest[signed.table.fleet] = signed
                    }
                }
                if remaining.isEmpty { return (latest, true) }
                if Task.isCancelled { break }
            }
            return (latest, false)
        }
        let watchdog = Task {
            try await Task.sleep(until: deadline)
            reading.cancel()
        }
        defer { watchdog.cancel() }
        let result = await reading.result
        await consumer.shutdown()
        switch result {
        case .success(let read) where read.complete: return read.tables
        case .success: throw TablesTopicReadError.timedOut(topic: topic, timeout: timeout)
        case .failure(let error):
            if error is CancellationError { throw TablesTopicReadError.timedOut(topic: topic, timeout: timeout) }
            throw error
        }
    }
}

/// Why the tables topic could not be read to its end.
public enum TablesTopicReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The end of `topic` was not reached within `timeout`.
    case timedOut(topic: String, timeout: Duration)

    public var description: String {
        switch self {
        case .timedOut(let topic, let timeout): "the tables topic \(topic) was not read to its end within \(timeout)"
        }
    }
}
