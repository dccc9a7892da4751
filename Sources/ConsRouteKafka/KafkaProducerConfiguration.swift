/// Settings of a `KafkaProducer`.
///
/// The producer is always idempotent: `enable.idempotence=true` is set by the producer and may not be
/// overridden in `client.additionalConfig` (it implies `acks=all` and in-order delivery per partition).
public struct KafkaProducerConfiguration: Hashable, Sendable {
    /// Broker addresses, security and pass-through properties.
    public var client: KafkaConfiguration
    /// How long a message may wait to be delivered, retries included (`message.timeout.ms`). Default 30 s.
    public var deliveryTimeout: Duration
    /// How long to wait for more messages before sending a batch (`linger.ms`). Default 5 ms.
    public var linger: Duration
    /// The most messages waiting in the client; beyond it `send` waits for deliveries
    /// (`queue.buffering.max.messages`). Default 100,000.
    public var maxQueuedMessages: Int
    /// Makes the producer transactional (`transactional.id`): call `initTransactions` once, then write with
    /// `sendInTransaction`. A newer producer with the same id fences this one (Kafka's zombie fencing). Default nil.
    public var transactionalID: String?

    /// Makes a producer configuration.
    ///
    /// - Parameters:
    ///   - client: Broker addresses, security and pass-through properties.
    ///   - deliveryTimeout: How long a message may wait to be delivered.
    ///   - linger: How long to wait for more messages before sending a batch.
    ///   - maxQueuedMessages: The most messages waiting in the client.
    public init(
        client: KafkaConfiguration,
        deliveryTimeout: Duration = .seconds(30),
        linger: Duration = .milliseconds(5),
        maxQueuedMessages: Int = 100_000,
        transactionalID: String? = nil
    ) {
        self.transactionalID = transactionalID
        self.client = client
        self.deliveryTimeout = deliveryTimeout
        self.linger = linger
        self.maxQueuedMessages = maxQueuedMessages
    }

    /// Checks the configuration as creating a producer would (our checks, then librdkafka's on every key), without
    /// connecting.
    ///
    /// - Throws: `KafkaError.invalidConfiguration` naming the offending key.
    public func validate() throws(KafkaError) {
        _ = try RDKafkaConfig(properties: try properties())
    }

    /// The librdkafka properties of this producer.
    ///
    /// - Throws: `KafkaError.invalidConfiguration` naming the offending key.
    func properties() throws(KafkaError) -> [String: String] {
        guard maxQueuedMessages > 0 else {
            throw .invalidConfiguration(
                key: "queue.buffering.max.messages",
                reason: "must be at least 1, got \(maxQueuedMessages)"
            )
        }
        let defaults = [
            "message.timeout.ms": String(deliveryTimeout.wholeMilliseconds),
            "linger.ms": String(linger.wholeMilliseconds),
            "queue.buffering.max.messages": String(maxQueuedMessages),
        ]
        var managed = ["enable.idempotence": "true"]
        if let transactionalID {
            guard !transactionalID.isEmpty else {
                throw .invalidConfiguration(key: "transactional.id", reason: "must not be empty")
            }
            managed["transactional.id"] = transactionalID
        }
        return try client.properties(
            defaults: defaults,
            managed: managed,
            client: "producer"
        )
    }
}
