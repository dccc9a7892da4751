public import ConsRouteKafka
import Foundation
import Synchronization

/// The next offset after the last message of every partition of `topic`, from the brokers' high watermarks.
/// (Tansu's memory engine can report a watermark below the real end: prefer counting what was produced.)
public func endOffsets(topic: String, client: KafkaConfiguration) async throws -> [Int32: Int64] {
    let admin = try KafkaAdminClient(configuration: client)
    let metadata = try await admin.metadata(for: topic)
    var ends: [Int32: Int64] = [:]
    for partition in metadata.partitions {
        ends[partition] = try await admin.highWatermark(of: KafkaTopicPartition(topic: topic, partition: partition))
    }
    return ends
}

/// Every message of `topic` from the beginning: reads until at least `expected` messages arrived and then
/// nothing more for `quiet` (so extra messages are seen too), or until `timeout`.
public func readAll(
    topic: String,
    client: KafkaConfiguration,
    expected: Int,
    quiet: Duration = .seconds(2),
    timeout: Duration = .seconds(120)
) async throws -> [KafkaMessage] {
    let consumer = try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(
            client: client,
            groupID: "read-all-\(UUID().uuidString)",
            topics: [topic],
            sessionTimeout: .seconds(6)
        ),
        startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0) }) }
    )
    let received = Mutex<(messages: [KafkaMessage], last: ContinuousClock.Instant)>(([], .now))
    let reader = Task {
        for try await event in consumer.events {
            guard case .messages(let batch) = event else { continue }
            received.withLock {
                $0.messages.append(contentsOf: batch)
                $0.last = .now
            }
        }
    }
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(100))
        let (count, last) = received.withLock { ($0.messages.count, $0.last) }
        if count >= expected, ContinuousClock.now - last >= quiet { break }
    }
    reader.cancel()
    await consumer.shutdown()
    return received.withLock { $0.messages }
}
