import ConsRouteKafka
import Foundation

/// Reads a topic from its beginning, every partition, for as long as the caller runs it: the way each replica
/// follows the topics every replica must see whole (tables, history; docs/design.md §9).
///
/// Each run joins a consumer group of its own (so it is assigned every partition) and commits nothing: readers of
/// these topics are idempotent (the highest table version wins, a stored history record is skipped), so reading
/// again from the beginning after a restart is correct. Readers see committed transactions only (`read_committed`,
/// librdkafka's default).
struct TopicFollower: Sendable {
    let kafka: KafkaConfiguration
    let topic: String
    /// The prefix of the per-run consumer group (a UUID follows it).
    let groupPrefix: String

    /// Hands every message, in partition order, to `onMessage` until cancelled.
    /// - Throws: Kafka errors, and whatever `onMessage` throws (the caller restarts the follower).
    func run(onMessage: (KafkaMessage) async throws -> Void) async throws {
        var client = kafka
        // A new record is on every replica within the fetch wait, not librdkafka's default half second.
        client.additionalConfig["fetch.wait.max.ms"] = client.additionalConfig["fetch.wait.max.ms"] ?? "100"
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: client,
                groupID: "\(groupPrefix)-\(UUID().uuidString)",
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
                for message in batch { try await onMessage(message) }
            }
        } catch {
            await consumer.shutdown()
            throw error
        }
        await consumer.shutdown()
    }
}
