package import ConsRouteKafka
import Foundation
import Synchronization

/// The next offset after the last message of every partition of `topic`, from the brokers' high watermarks.
/// (Tansu's memory engine can report a watermark below the real end: prefer counting what was produced.)
package func endOffsets(topic: String, client: KafkaConfiguration) async throws -> [Int32: Int64] {
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
///
/// A reader whose group has delivered nothing after `stall` while messages are expected starts over in a new
/// group: under the full test suite's load, librdkafka's mock cluster has left a new group's member unassigned
/// for the whole two minutes (an acknowledgements read after a telemetry read got 0 of 6), which is the
/// broker's, not the code under test's. Each attempt reads from offset 0, so nothing is counted twice.
package func readAll(
    topic: String,
    client: KafkaConfiguration,
    expected: Int,
    quiet: Duration = .seconds(2),
    timeout: Duration = .seconds(120),
    stall: Duration = .seconds(30)
) async throws -> [KafkaMessage] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let attempt = try await readAllOnce(
            topic: topic,
            client: client,
            expected: expected,
            quiet: quiet,
            deadline: deadline,
            stall: expected > 0 ? stall : nil
        )
        if let messages = attempt { return messages }
        FileHandle.standardError.write(
            Data("readAll(\(topic)): no message in \(stall) from a new group, starting over in another\n".utf8)
        )
    }
}

/// One reader in a new group; nil when it stalled (nothing within `stall` of its start) before the deadline.
private func readAllOnce(
    topic: String,
    client: KafkaConfiguration,
    expected: Int,
    quiet: Duration,
    deadline: ContinuousClock.Instant,
    stall: Duration?
) async throws -> [KafkaMessage]? {
    let consumer = try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(
            client: client,
            groupID: "read-all-\(UUID().uuidString)",
            topics: [topic],
            sessionTimeout: .seconds(6)
        ),
        startOffsets: { partitions in Dictionary(uniqueKeysWithValues: partitions.map { ($0, 0) }) }
    )
    let started = ContinuousClock.now
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
    var stalled = false
    while ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(100))
        let (count, last) = received.withLock { ($0.messages.count, $0.last) }
        if count >= expected, ContinuousClock.now - last >= quiet { break }
        if let stall, count == 0, ContinuousClock.now - started >= stall, deadline - ContinuousClock.now > stall {
            stalled = true
            break
        }
    }
    reader.cancel()
    await consumer.shutdown()
    return stalled ? nil : received.withLock { $0.messages }
}
