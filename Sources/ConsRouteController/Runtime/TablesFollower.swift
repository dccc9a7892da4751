import ConsRouteKafka
import ConsRouteModel
import Foundation
import Logging

/// Follows the tables topic for as long as the controller runs (docs/design.md §9): every replica serves every
/// fleet's newest table, whichever replica published it, so devices may sit behind any load balancer.
///
/// Each run reads the topic from its beginning in a consumer group of its own (a replica must see every partition,
/// and nothing is committed) and hands every table whose signature verifies to `onTable`, which keeps the newer
/// ones. Readers see committed transactions only (`read_committed`, librdkafka's default), so a table a fenced
/// replica tried to write never reaches them.
struct TablesFollower: Sendable {
    let kafka: KafkaConfiguration
    let topic: String
    let trustedKeys: [TableVerifyingKey]
    let logger: Logger

    /// Consumes until cancelled.
    ///
    /// - Parameter onTable: called, in topic order, with each verified table and the replica that published it.
    /// - Throws: Kafka errors (the caller restarts the follower).
    func run(onTable: @escaping @Sendable (_ table: SignedTable, _ publisher: String?) async -> Void) async throws {
        var client = kafka
        // A new table is on every replica within the fetch wait, not librdkafka's default half second.
        client.additionalConfig["fetch.wait.max.ms"] = client.additionalConfig["fetch.wait.max.ms"] ?? "100"
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: client,
                groupID: "consroute-tables-follower-\(UUID().uuidString)",
                topics: [topic],
                offsetReset: .earliest,
                sessionTimeout: .seconds(6)
            ),
            startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0) }) }
        )
        do {
            for try await event in consumer.events {
                if Task.isCancelled { break }
                guard case .messages(let batch) = event else { continue }
                for message in batch {
                    guard let signed = TablesTopicReader.verifiedTable(message.value, trusting: trustedKeys) else {
                        logger.warning(
                            "a record on the tables topic is not a table signed with the controller's key; skipped",
                            metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)"]
                        )
                        continue
                    }
                    await onTable(signed, message.headers.first(named: TablePublisher.replicaHeader)?.stringValue)
                }
            }
        } catch {
            await consumer.shutdown()
            throw error
        }
        await consumer.shutdown()
    }
}
