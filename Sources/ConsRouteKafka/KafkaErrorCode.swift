/// A librdkafka result code (`rd_kafka_resp_err_t`): negative values are client-side, positive ones come from
/// the broker.
///
/// The named constants are the codes this package acts on; `description` gives librdkafka's text for any code.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable {
    /// The raw `rd_kafka_resp_err_t` value.
    public let rawValue: Int32

    /// Wraps a raw `rd_kafka_resp_err_t` value.
    ///
    /// - Parameter rawValue: The code as librdkafka reports it.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }
}
