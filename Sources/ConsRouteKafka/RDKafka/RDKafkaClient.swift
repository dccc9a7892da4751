import CRdKafka

/// Owns one `rd_kafka_t` handle and destroys it when the last reference goes.
///
/// `@unchecked Sendable`: the pointer is immutable after init and librdkafka's `rd_kafka_t` API is thread-safe
/// (every call this package makes on it from several threads is documented as such); destruction happens once,
/// in `deinit`, when no other thread can hold the wrapper.
final class RDKafkaClient: @unchecked Sendable {
    /// The kind of handle librdkafka creates.
    enum Kind {
        case producer
        case consumer

        var rdKafkaType: rd_kafka_type_t {
            self == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        }
    }

    let pointer: OpaquePointer
    /// Runs before `rd_kafka_destroy`, e.g. to release the callback context whose address is the opaque.
    private let onDestroy: (@Sendable () -> Void)?

    /// Creates a handle from a finished configuration; the configuration is consumed whatever the outcome.
    ///
    /// - Parameters:
    ///   - kind: Producer or consumer.
    ///   - configuration: A configuration from `RDKafkaConfig`; ownership passes to librdkafka.
    ///   - onDestroy: Runs after `rd_kafka_destroy` returned.
    /// - Throws: `KafkaError.clientCreationFailed` with librdkafka's message.
    init(kind: Kind, configuration: consuming RDKafkaConfig, onDestroy: (@Sendable () -> Void)? = nil)
        throws(KafkaError)
    {
        var errorText = [CChar](repeating: 0, count: 512)
        var configuration = configuration
        let conf = configuration.take()
        guard let handle = rd_kafka_new(kind.rdKafkaType, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw .clientCreationFailed(reason: String(cStringBuffer: errorText))
        }
        self.pointer = handle
        self.onDestroy = onDestroy
    }

    deinit {
        rd_kafka_destroy(pointer)
        onDestroy?()
    }

    /// The id of the cluster the client is connected to (`rd_kafka_clusterid`), waiting up to `timeoutMs` for the
    /// first metadata; nil if none arrived or the broker reports none. Blocks: call it off the cooperative pool.
    func clusterID(timeoutMs: Int32) -> String? {
        guard let id = rd_kafka_clusterid(pointer, timeoutMs) else { return nil }
        defer { rd_kafka_mem_free(pointer, id) }
        let text = String(cString: id)
        return text.isEmpty ? nil : text
    }

    /// The fatal error librdkafka raised, if any.
    func currentFatalError() -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(pointer, &text, text.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return .fatal(code: KafkaErrorCode(code), reason: String(cStringBuffer: text))
    }
}

extension String {
    /// Decodes a NUL-terminated C character buffer.
    init(cStringBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
