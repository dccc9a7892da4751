import CRdKafka
import Foundation

/// Copies librdkafka messages into `KafkaMessage` values, reusing the topic `String` between messages.
struct RDKafkaMessageCopier {
    private var lastTopicCString: [CChar] = [0]
    private var lastTopic = ""

    /// Copies key, value, headers and metadata out of `message`; librdkafka keeps ownership of `message`.
    ///
    /// - Complexity: O(key + value + headers bytes).
    mutating func copy(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let raw = message.pointee
        let key = raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) }
        let value = raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaMessage(
            topic: topicName(raw.rkt),
            partition: raw.partition,
            offset: raw.offset,
            key: key,
            value: value ?? [],
            isTombstone: value == nil,
            headers: Self.headers(of: message),
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }

    private mutating func topicName(_ topic: OpaquePointer?) -> String {
        guard let topic, let name = rd_kafka_topic_name(topic) else { return "" }
        if strcmp(name, lastTopicCString) != 0 {
            lastTopic = String(cString: name)
            lastTopicCString = Array(lastTopic.utf8CString)
        }
        return lastTopic
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        result.reserveCapacity(rd_kafka_header_cnt(headers))
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }
}
