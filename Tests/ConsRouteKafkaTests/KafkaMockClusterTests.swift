import ConsRouteKafka
import KafkaTestSupport
import Testing

@Suite("Mock cluster")
struct KafkaMockClusterTests {
    @Test("zero brokers is refused with a clear error")
    func zeroBrokers() {
        #expect(throws: KafkaError.mockClusterFailed(reason: "brokerCount must be at least 1, got 0")) {
            _ = try KafkaMockCluster(brokerCount: 0)
        }
    }

    @Test("one and three brokers bootstrap on loopback with one address each")
    func bootstrapAddresses() throws {
        for count in [1, 3] {
            let cluster = try KafkaMockCluster(brokerCount: count)
            let addresses = cluster.bootstrapServers.split(separator: ",")
            #expect(addresses.count == count)
            #expect(addresses.allSatisfy { $0.hasPrefix("127.0.0.1:") })
            #expect(cluster.clientConfiguration.bootstrapServers.count == count)
        }
    }

    @Test("a topic created on the mock has its partitions, and a bad partition count is refused")
    func topics() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("mock")
        try cluster.createTopic(topic, partitions: 5)
        let admin = try KafkaAdminClient(configuration: cluster.clientConfiguration)
        #expect(try await admin.metadata(for: topic).partitions == [0, 1, 2, 3, 4])
        #expect(throws: KafkaError.self) { try cluster.createTopic(uniqueName("bad"), partitions: 0) }
        #expect(throws: KafkaError.self) {
            try cluster.createTopic(uniqueName("bad"), partitions: 1, replicationFactor: 2)
        }
    }

    @Test("the admin client validates a topic specification before asking the cluster")
    func specificationValidation() async throws {
        let cluster = try KafkaMockCluster()
        let admin = try KafkaAdminClient(configuration: cluster.clientConfiguration)
        await #expect(
            throws: KafkaError.topicFailed(topic: "t", code: .noError, reason: "partitions must be at least 1, got 0")
        ) {
            try await admin.createTopic(KafkaTopicSpecification(name: "t", partitions: 0))
        }
    }

    @Test("the high watermark follows what was produced; an unknown partition is an error naming it")
    func highWatermark() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("watermark")
        try cluster.createTopic(topic, partitions: 2)
        let admin = try KafkaAdminClient(configuration: cluster.clientConfiguration)
        let partition = KafkaTopicPartition(topic: topic, partition: 1)
        #expect(try await admin.highWatermark(of: partition) == 0)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: cluster.clientConfiguration))
        _ = try await producer.send(
            contentsOf: (0..<7).map { KafkaProducerRecord(topic: topic, partition: 1, value: [UInt8($0)]) }
        )
        await producer.shutdown()
        #expect(try await admin.highWatermark(of: partition) == 7)
        await #expect(throws: KafkaError.self) {
            _ = try await admin.highWatermark(of: KafkaTopicPartition(topic: topic, partition: 9), timeout: .seconds(2))
        }
    }
}
