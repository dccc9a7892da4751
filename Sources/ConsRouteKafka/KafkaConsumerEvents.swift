/// The consumer's events as an `AsyncSequence` with back-pressure: the poll thread waits while the reader is
/// behind by `maxBufferedEvents` events.
///
/// Iterate it once, from one task. Ending the iteration (leaving the loop, cancelling the task) closes the
/// consumer: it leaves the group and its partitions move to the other members.
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    /// Each element is one event.
    public typealias Element = KafkaConsumerEvent

    let buffer: BoundedEventBuffer<KafkaConsumerEvent>

    /// Iterates the events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: BoundedEventBuffer<KafkaConsumerEvent>
        let readerLifetime: ReaderLifetime

        /// The next event; `nil` once the consumer is shut down.
        ///
        /// - Throws: `KafkaError.fatal` or `KafkaError.startOffsetsFailed` when the consumer stopped on an error.
        public mutating func next() async throws -> KafkaConsumerEvent? {
            try await buffer.next()
        }
    }

    /// Makes the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer, readerLifetime: ReaderLifetime(buffer: buffer))
    }
}

/// Cancels the buffer when the last copy of the iterator goes away, so a `break` closes the consumer.
final class ReaderLifetime: Sendable {
    private let buffer: BoundedEventBuffer<KafkaConsumerEvent>

    init(buffer: BoundedEventBuffer<KafkaConsumerEvent>) {
        self.buffer = buffer
    }

    deinit {
        buffer.cancel()
    }
}
