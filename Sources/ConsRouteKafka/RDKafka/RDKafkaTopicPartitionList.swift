import CRdKafka
import Foundation

/// Owns an `rd_kafka_topic_partition_list_t` and converts it to and from Swift values.
struct RDKafkaTopicPartitionList: ~Copyable {
    /// One element read back from a list.
    struct Entry {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var error: KafkaErrorCode
        /// The commit metadata (empty when none).
        var metadata: String = ""
    }

    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// An empty list with room for `capacity` elements.
    init(capacity: Int = 0) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: capacity))
    }

    /// A list of partitions, each with an offset (`RD_KAFKA_OFFSET_INVALID` when `nil`).
    init(_ offsets: [KafkaTopicPartition: Int64?]) {
        self.init(capacity: offsets.count)
        for (topicPartition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            add(topicPartition, offset: offset)
        }
    }

    /// A list of topics with partition `RD_KAFKA_PARTITION_UA`, for subscriptions.
    init(subscribing topics: [String]) {
        self.init(capacity: topics.count)
        for topic in topics {
            rd_kafka_topic_partition_list_add(pointer, topic, RD_KAFKA_PARTITION_UA)
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Appends a partition with an offset (`RD_KAFKA_OFFSET_INVALID` when `nil`).
    func add(_ topicPartition: KafkaTopicPartition, offset: Int64?, metadata: String? = nil) {
        let element = rd_kafka_topic_partition_list_add(pointer, topicPartition.topic, topicPartition.partition)
        element?.pointee.offset = offset ?? Int64(RD_KAFKA_OFFSET_INVALID)
        if let element, let metadata, !metadata.isEmpty {
            // librdkafka frees an element's metadata with the list (rd_free, which is free).
            let bytes = Array(metadata.utf8)
            let copy = malloc(bytes.count)
            bytes.withUnsafeBytes { source in copy?.copyMemory(from: source.baseAddress!, byteCount: bytes.count) }
            element.pointee.metadata = copy
            element.pointee.metadata_size = copy == nil ? 0 : bytes.count
        }
    }

    /// The elements of a list librdkafka owns, without taking ownership.
    static func entries(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [Entry] {
        guard let list, list.pointee.cnt > 0, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = elements[index]
            return Entry(
                topicPartition: KafkaTopicPartition(
                    topic: String(cString: element.topic),
                    partition: element.partition
                ),
                offset: element.offset,
                error: KafkaErrorCode(element.err),
                metadata: element.metadata.map { pointer in
                    String(
                        decoding: UnsafeRawBufferPointer(start: pointer, count: element.metadata_size),
                        as: UTF8.self
                    )
                } ?? ""
            )
        }
    }

    /// The elements of this list.
    var entries: [Entry] {
        Self.entries(of: pointer)
    }
}
