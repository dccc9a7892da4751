import Dispatch

/// A consumer-group member that hands messages to the application in batches, with manual offsets.
///
/// A dedicated poll thread copies messages into batches of up to `maxBatchSize` and pushes them, with the
/// partition assignments and revocations, into `events`; it blocks while `maxBufferedEvents` events wait, so a
/// slow reader bounds memory. Offsets are stored and committed only when the application says so; on
/// assignment the optional start-offset provider says where each partition starts (the controller's own
/// offsets in SQLite), which makes processing exactly-once in effect.
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: config) { partitions in try store.offsets(for: partitions) }
/// for try await event in consumer.events {
///     switch event {
///     case .messages(let batch): try process(batch); try await consumer.commit(offsets: nextOffsets(batch))
///     case .revoked(let partitions): try await checkpoint(partitions)
///     case .assigned, .error: break
///     }
/// }
/// ```
public final class KafkaConsumer: Sendable {
    /// Says where newly assigned partitions start: the next offset to read per partition. Partitions left out
    /// start at the group's committed offset (or `offsetReset`). It runs on the poll thread's behalf, so the
    /// consumer waits for it; throwing stops the consumer with `KafkaError.startOffsetsFailed`.
    public typealias StartOffsetProvider =
        @Sendable ([KafkaTopicPartition]) async throws -> [KafkaTopicPartition: Int64]

    /// The configuration the consumer was made with.
    public let configuration: KafkaConsumerConfiguration
    /// Messages, assignments and revocations in order. Iterate once; ending the iteration closes the consumer.
    public let events: KafkaConsumerEvents

    let client: RDKafkaClient
    let blockingQueue = DispatchQueue(label: "consroute.kafka.consumer.blocking")
    private let buffer: BoundedEventBuffer<KafkaConsumerEvent>
    private let exited = CompletionSignal()

    /// Creates the consumer, subscribes it, and starts its poll thread.
    ///
    /// - Parameters:
    ///   - configuration: Group, topics, batching and client settings.
    ///   - startOffsets: Where newly assigned partitions start; `nil` to use the group's committed offsets.
    /// - Throws: `KafkaError.invalidConfiguration` naming the key, `.clientCreationFailed`, or
    ///   `.consumerFailed` when the subscription fails.
    public init(configuration: KafkaConsumerConfiguration, startOffsets: StartOffsetProvider? = nil) throws {
        let properties = try configuration.properties()
        let buffer = BoundedEventBuffer<KafkaConsumerEvent>(capacity: configuration.maxBufferedEvents)
        self.configuration = configuration
        self.buffer = buffer
        self.events = KafkaConsumerEvents(buffer: buffer)
        self.client = try RDKafkaConsumerLoop.start(
            properties: properties,
            topics: configuration.topics,
            buffer: buffer,
            startOffsets: startOffsets,
            maxBatchSize: configuration.maxBatchSize,
            exited: exited
        )
    }

    deinit {
        buffer.cancel()
    }

    /// Events waiting for the reader now (at most `maxBufferedEvents`).
    public var bufferedEventCount: Int { buffer.count }

    /// The most events that ever waited for the reader at once (at most `maxBufferedEvents`).
    public var peakBufferedEventCount: Int { buffer.peakCount }

    /// Stores the offset after `message` for the next `commit()`.
    ///
    /// - Parameter message: The last message processed in its partition.
    /// - Throws: `KafkaError.commitFailed`, e.g. when the partition is no longer assigned.
    public func store(_ message: KafkaMessage) throws {
        try client.storeOffsets([message.topicPartition: message.offset + 1])
    }

    /// Stores next-offsets for the next `commit()`.
    ///
    /// - Parameter offsets: Per partition, the offset of the next message to read (last processed + 1).
    /// - Throws: `KafkaError.commitFailed`, e.g. when a partition is not assigned.
    public func store(offsets: [KafkaTopicPartition: Int64]) throws {
        try client.storeOffsets(offsets)
    }

    /// Commits the stored offsets and waits for the broker; runs on a Dispatch thread, not the pool.
    ///
    /// - Throws: `KafkaError.commitFailed`. Nothing stored is not an error.
    public func commit() async throws {
        let client = client
        try await ThreadBridge.run(on: blockingQueue) { try client.commitOffsets(nil) }
    }

    /// Commits `offsets` and waits for the broker; runs on a Dispatch thread, not the pool.
    ///
    /// - Parameter offsets: Per partition, the offset of the next message to read (last processed + 1).
    /// - Throws: `KafkaError.commitFailed`.
    public func commit(offsets: [KafkaTopicPartition: Int64]) async throws {
        let client = client
        try await ThreadBridge.run(on: blockingQueue) { try client.commitOffsets(offsets) }
    }

    /// Commits offsets with commit metadata (a short string the group keeps with each offset, e.g. where a
    /// later owner of the partition should start re-reading state from).
    ///
    /// - Throws: `KafkaError.commitFailed`.
    public func commit(_ offsets: [KafkaTopicPartition: KafkaCommittedOffset]) async throws {
        let client = client
        try await ThreadBridge.run(on: blockingQueue) {
            try client.commitOffsets(offsets.mapValues(\.offset), metadata: offsets.mapValues(\.metadata))
        }
    }

    /// The group's committed offsets with their commit metadata, asked from the group coordinator.
    ///
    /// - Throws: `KafkaError.consumerFailed` on timeout or broker error.
    public func committed(
        for partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartition: KafkaCommittedOffset] {
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) { try client.committed(for: partitions, timeout: timeout) }
    }

    /// The group's committed offsets, asked from the group coordinator.
    ///
    /// - Parameters:
    ///   - partitions: The partitions to ask about.
    ///   - timeout: How long to wait for the coordinator.
    /// - Returns: The committed next-offset per partition; partitions without one are left out.
    /// - Throws: `KafkaError.consumerFailed` on timeout or broker error.
    public func committedOffsets(
        for partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartition: Int64] {
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) {
            try client.committedOffsets(for: partitions, timeout: timeout)
        }
    }

    /// Stops consuming: ends `events` (queued events are dropped), closes the consumer so it leaves the group,
    /// and returns when the poll thread has finished. Commit what you processed before calling it.
    public func shutdown() async {
        buffer.cancel()
        await exited.wait()
    }
}
