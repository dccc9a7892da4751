import CRdKafka

/// Builds an `rd_kafka_conf_t` from properties, naming the key librdkafka rejects.
///
/// A non-copyable owner: the configuration is either consumed by `take()` (handed to `rd_kafka_new`) or
/// destroyed in `deinit`.
struct RDKafkaConfig: ~Copyable {
    private var pointer: OpaquePointer?

    /// Applies every property in key order.
    ///
    /// - Parameter properties: librdkafka keys and values.
    /// - Throws: `KafkaError.invalidConfiguration` with the key and librdkafka's message.
    init(properties: [String: String]) throws(KafkaError) {
        let conf = rd_kafka_conf_new()
        pointer = conf
        for key in properties.keys.sorted() {
            try set(key, properties[key] ?? "")
        }
    }

    /// Sets one property.
    ///
    /// - Throws: `KafkaError.invalidConfiguration` with the key and librdkafka's message.
    mutating func set(_ key: String, _ value: String) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(pointer, key, value, &errorText, errorText.count)
        guard result == RD_KAFKA_CONF_OK else {
            throw .invalidConfiguration(key: key, reason: String(cStringBuffer: errorText))
        }
    }

    /// Sets the pointer every callback receives as `opaque`.
    mutating func setOpaque(_ opaque: UnsafeMutableRawPointer) {
        rd_kafka_conf_set_opaque(pointer, opaque)
    }

    /// Runs `body` with the raw configuration, to install callbacks.
    func withPointer<T>(_ body: (OpaquePointer?) -> T) -> T {
        body(pointer)
    }

    /// Hands the configuration over; this value no longer owns it.
    mutating func take() -> OpaquePointer? {
        defer { pointer = nil }
        return pointer
    }

    deinit {
        if let pointer { rd_kafka_conf_destroy(pointer) }
    }
}
