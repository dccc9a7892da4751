package import ConsRouteKafka
import ConsRouteTestSupport
import Foundation
import Testing

// Helpers shared by ConsRouteKafkaTests (mock cluster) and IntegrationTests (Tansu).

/// A topic or group name no other test uses.
package func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// Bytes of a string, for keys and values.
package func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// `count` records `value-0`, `value-1`, ... with keys `key-(i % keys)`.
package func records(topic: String, count: Int, keys: Int = 4, partition: Int32? = nil) -> [KafkaProducerRecord] {
    (0..<count).map { index in
        KafkaProducerRecord(
            topic: topic,
            partition: partition,
            key: bytes("key-\(index % keys)"),
            value: bytes("value-\(index)")
        )
    }
}

/// A consumer configuration for tests: short session, small batches so batching is exercised.
package func consumerConfiguration(
    _ client: KafkaConfiguration,
    group: String,
    topic: String,
    maxBatchSize: Int = 100,
    maxBufferedEvents: Int = 4
) -> KafkaConsumerConfiguration {
    KafkaConsumerConfiguration(
        client: client,
        groupID: group,
        topics: [topic],
        sessionTimeout: .milliseconds(6000),
        maxBatchSize: maxBatchSize,
        maxBufferedEvents: maxBufferedEvents
    )
}

/// A producer configuration for tests, with a short delivery timeout.
package func producerConfiguration(_ client: KafkaConfiguration) -> KafkaProducerConfiguration {
    KafkaProducerConfiguration(client: client, deliveryTimeout: .seconds(10))
}

/// Sends `records` and requires that every one was delivered.
package func produceAll(_ records: [KafkaProducerRecord], to client: KafkaConfiguration) async throws {
    let producer = try KafkaProducer(configuration: producerConfiguration(client))
    let report = try await producer.send(contentsOf: records)
    #expect(report.failures == [])
    #expect(report.deliveredCount == records.count)
    await producer.shutdown()
}

/// Everything a consumer handed out while it was read, in order.
package struct ConsumedEvents: Sendable {
    package var messages: [KafkaMessage] = []
    package var assigned: [KafkaTopicPartition] = []
    package var revoked: [KafkaTopicPartition] = []
    package var batchSizes: [Int] = []
    /// Partitions owned now: each `.assigned` adds, each `.revoked` removes, in event order.
    package var owned: Set<KafkaTopicPartition> = []
    /// Non-fatal errors the consumer reported.
    package var errors: [KafkaError] = []

    package init() {}

    package mutating func record(_ event: KafkaConsumerEvent) {
        switch event {
        case .messages(let batch):
            messages += batch
            batchSizes.append(batch.count)
        case .assigned(let partitions):
            assigned += partitions
            owned.formUnion(partitions)
        case .revoked(let partitions):
            revoked += partitions
            owned.subtract(partitions)
        case .error(let error):
            errors.append(error)
        }
    }
}

/// Thrown when a test waited too long.
package struct TestTimeout: Error, CustomStringConvertible {
    package let what: String

    package init(what: String) {
        self.what = what
    }

    package var description: String { "timed out waiting for \(what)" }
}

/// Reads events until `stop` says so, or throws `TestTimeout` after `timeout`.
///
/// - Parameters:
///   - consumer: The consumer to read.
///   - timeout: The most time to wait.
///   - onMessages: Called with each batch (e.g. to commit).
///   - stop: Decides after each event whether to stop reading.
package func consume(
    _ consumer: KafkaConsumer,
    timeout: Duration = .seconds(60),
    onMessages: @escaping @Sendable ([KafkaMessage]) async throws -> Void = { _ in },
    until stop: @escaping @Sendable (ConsumedEvents) -> Bool
) async throws -> ConsumedEvents {
    try await withThrowingTaskGroup(of: ConsumedEvents?.self) { group in
        group.addTask {
            var seen = ConsumedEvents()
            if stop(seen) { return seen }
            for try await event in consumer.events {
                seen.record(event)
                if case .messages(let batch) = event { try await onMessages(batch) }
                if stop(seen) { return seen }
            }
            return seen
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        guard let first = try await group.next(), let seen = first else {
            group.cancelAll()
            throw TestTimeout(what: "consumer events")
        }
        group.cancelAll()
        return seen
    }
}

/// The next offsets to commit after `batch`: last offset + 1 per partition.
package func nextOffsets(after batch: [KafkaMessage]) -> [KafkaTopicPartition: Int64] {
    var offsets: [KafkaTopicPartition: Int64] = [:]
    for message in batch {
        offsets[message.topicPartition] = max(offsets[message.topicPartition] ?? 0, message.offset + 1)
    }
    return offsets
}

/// The values of `messages` as strings.
package func values(_ messages: [KafkaMessage]) -> [String] {
    messages.map { String(decoding: $0.value, as: UTF8.self) }
}

/// A consumer read in a background task that commits every batch before asking for the next event, as the
/// controller does; what it saw can be read at any time.
package final class CommittingReader: Sendable {
    package let consumer: KafkaConsumer
    private let recorder = EventRecorder()
    private let task: Task<Void, any Error>

    package init(_ consumer: KafkaConsumer) {
        self.consumer = consumer
        let recorder = recorder
        task = Task {
            for try await event in consumer.events {
                if case .messages(let batch) = event {
                    try await consumer.commit(offsets: nextOffsets(after: batch))
                }
                await recorder.record(event)
            }
        }
    }

    /// What the reader saw so far.
    package func seen() async -> ConsumedEvents {
        await recorder.seen
    }

    /// Shuts the consumer down and waits for the reading task.
    package func stop() async throws {
        await consumer.shutdown()
        try await task.value
    }
}

/// Collects events in order.
package actor EventRecorder {
    package var seen = ConsumedEvents()

    package func record(_ event: KafkaConsumerEvent) {
        seen.record(event)
    }
}

/// Polls `condition` every 50 ms until it holds (`poll`), or throws `TestTimeout` when `timeout` is spent.
package func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(60),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    guard try await poll(every: .milliseconds(50), for: timeout, until: condition) else {
        throw TestTimeout(what: "\(what) within \(timeout) (stalls of the process not counted)")
    }
}

/// Polls `condition` every millisecond until it holds (`poll`); records an issue when `timeout` is spent.
package func waitForCondition(timeout: Duration = .seconds(60), _ condition: () async -> Bool) async throws {
    guard try await poll(every: .milliseconds(1), for: timeout, until: condition) else {
        Issue.record("condition not met within \(timeout) (stalls of the process not counted)")
        return
    }
}
