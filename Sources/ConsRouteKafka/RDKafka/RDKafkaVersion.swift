import CRdKafka

/// The loaded librdkafka's version (`rd_kafka_version_str`, `rd_kafka_version`).
enum RDKafkaVersion {
    static var string: String { String(cString: rd_kafka_version_str()) }
    static var number: Int { Int(rd_kafka_version()) }
}
