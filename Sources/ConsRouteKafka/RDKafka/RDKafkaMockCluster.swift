import CRdKafka

/// Owns an `rd_kafka_mock_cluster_t` and the handle it is bound to; destroys the cluster first.
///
/// `@unchecked Sendable`: both pointers are immutable after init, the mock cluster's API is thread-safe (each
/// call is an operation on the cluster's own thread), and destruction happens once, in `deinit`.
final class RDKafkaMockCluster: @unchecked Sendable {
    private let owner: RDKafkaClient
    private let cluster: OpaquePointer
    let bootstrapServers: String

    init(brokerCount: Int) throws(KafkaError) {
        owner = try RDKafkaClient(kind: .producer, configuration: RDKafkaConfig(properties: ["log_level": "3"]))
        guard let cluster = rd_kafka_mock_cluster_new(owner.pointer, Int32(clamping: brokerCount)) else {
            throw .mockClusterFailed(reason: "rd_kafka_mock_cluster_new failed for \(brokerCount) brokers")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(KafkaError) {
        let code = rd_kafka_mock_topic_create(
            cluster,
            name,
            Int32(clamping: partitions),
            Int32(clamping: replicationFactor)
        )
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .mockClusterFailed(reason: "cannot create topic '\(name)': \(KafkaErrorCode(code).message)")
        }
    }

    func pushRequestErrors(apiKey: Int16, errors: [KafkaErrorCode]) {
        let codes = errors.map(\.rdKafkaValue)
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, codes)
    }

    func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    /// Takes broker `id` (1-based) down or up: its connections close and it refuses new ones until up again.
    func setBroker(_ id: Int32, up: Bool) {
        if up {
            _ = rd_kafka_mock_broker_set_up(cluster, id)
        } else {
            _ = rd_kafka_mock_broker_set_down(cluster, id)
        }
    }
}
