import ConsRouteKafka
import KafkaTestSupport
import Testing

@Suite("Producer on the mock cluster")
struct KafkaProducerTests {
    @Test("each send returns the delivered partition and consecutive offsets")
    func deliveryReports() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("reports")
        try cluster.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        var reports: [KafkaDeliveryReport] = []
        for index in 0..<3 {
            reports.append(
                try await producer.send(.init(topic: topic, partition: 1, key: nil, value: bytes("v\(index)")))
            )
        }
        await producer.shutdown()
        #expect(reports.map(\.offset) == [0, 1, 2])
        #expect(reports.allSatisfy { $0.topic == topic && $0.partition == 1 && $0.timestampMilliseconds != nil })
    }

    @Test("a broker rejection fails the send with deliveryFailed and the broker's code")
    func rejectedDelivery() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("rejected")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        _ = try await producer.send(.init(topic: topic, value: bytes("warm-up")))
        cluster.failNextRequests(.produce, with: [.topicAuthorizationFailed])
        await #expect {
            _ = try await producer.send(.init(topic: topic, value: bytes("refused")))
        } throws: { error in
            guard case KafkaError.deliveryFailed(topic, 0, .topicAuthorizationFailed, _) = error else { return false }
            return true
        }
        await producer.shutdown()
    }

    @Test("a message over message.max.bytes fails at once with produceFailed naming the topic")
    func tooLarge() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("large")
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        await #expect {
            _ = try await producer.send(.init(topic: topic, value: [UInt8](repeating: 7, count: 2_000_000)))
        } throws: { error in
            guard case KafkaError.produceFailed(topic, .messageSizeTooLarge, _) = error else { return false }
            return "\(error)".contains(topic)
        }
        await producer.shutdown()
    }

    @Test("a batch larger than the client queue waits for room instead of failing")
    func queueFullIsBackPressure() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("full")
        try cluster.createTopic(topic, partitions: 2)
        var configuration = producerConfiguration(cluster.clientConfiguration)
        configuration.maxQueuedMessages = 50
        let producer = try KafkaProducer(configuration: configuration)
        let report = try await producer.send(contentsOf: records(topic: topic, count: 5000))
        await producer.shutdown()
        #expect(report.deliveredCount == 5000)
        #expect(report.allDelivered)
    }

    @Test("a batch reports each failed message with its key and error, and the rest as delivered")
    func batchWithFailures() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("mixed")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        let oversized = KafkaProducerRecord(
            topic: topic,
            key: bytes("big"),
            value: [UInt8](repeating: 1, count: 2_000_000)
        )
        let report = try await producer.send(contentsOf: records(topic: topic, count: 10) + [oversized])
        await producer.shutdown()
        #expect(report.deliveredCount == 10)
        #expect(report.failures.map(\.key) == [bytes("big")])
        #expect(report.failures.first?.topic == topic)
    }

    @Test("sending after shutdown throws shutDown")
    func sendAfterShutdown() async throws {
        let cluster = try KafkaMockCluster()
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        await producer.shutdown()
        await #expect(throws: KafkaError.shutDown(client: "producer")) {
            _ = try await producer.send(.init(topic: uniqueName("late"), value: bytes("x")))
        }
    }
}
