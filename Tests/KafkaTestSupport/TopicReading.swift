public import ConsRouteKafka
import Foundation

/// The next offset after the last message of every partition of `topic`.
public func endOffsets(topic: String, client: KafkaConfiguration) async throws -> [Int32: Int64] {
    let admin = try KafkaAdminClient(configuration: client)
    let metadata = try await admin.metadata(for: topic)
    var ends: [Int32: Int64] = [:]
    for partition in metadata.partitions {
        ends[partition] = try await admin.highWatermark(of: KafkaTopicPartition(topic: topic, partition: partition))
    }
    return ends
}

/// Every message of `topic`, read from the beginning to the current end.
public func readAll(topic: String, client: KafkaConfiguration) async throws -> [KafkaMessage] {
    let ends = try await endOffsets(topic: topic, client: client).filter { $0.value > 0 }
    guard !ends.isEmpty else { return [] }
    let consumer = try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(
            client: client, groupID: "read-all-\(UUID().uuidString)", topics: [topic], sessionTimeout: .seconds(6)),
        startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0) }) })
    var messages: [KafkaMessage] = []
    var remaining = ends
    for try await event in consumer.events {
        guard case .messages(let batch) = event else { continue }
        for message in batch {
            messages.append(message)
            if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
        }
        if remaining.isEmpty { break }
    }
    await consumer.shutdown()
    return messages
}
