/// The outcome of `KafkaProducer.send(contentsOf:)`: how many were delivered, and what failed.
public struct KafkaBatchDeliveryReport: Hashable, Sendable {
    /// One message that was not delivered.
    public struct Failure: Hashable, Sendable {
        /// The message's topic.
        public var topic: String
        /// The message's key, to find it again.
        public var key: [UInt8]?
        /// Why: `KafkaError.produceFailed` (not enqueued) or `.deliveryFailed` (rejected or timed out).
        public var error: KafkaError
    }

    /// Messages the broker acknowledged.
    public var deliveredCount: Int
    /// Messages that were not delivered.
    public var failures: [Failure]

    /// True when every message was delivered.
    public var allDelivered: Bool { failures.isEmpty }
}
