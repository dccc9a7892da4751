import ConsRouteKafka
import KafkaTestSupport
import Testing

@Suite("Kafka on a real Tansu broker", .serialized)
struct TansuKafkaTests {
    let broker: KafkaConfiguration
    let admin: KafkaAdminClient
    let scenarios: KafkaScenarios

    init() throws {
        broker = try testBroker()
        let admin = try KafkaAdminClient(configuration: broker)
        self.admin = admin
        scenarios = KafkaScenarios(client: broker) { name, partitions in
            try await admin.createTopic(KafkaTopicSpecification(name: name, partitions: partitions))
        }
    }

    @Test("creating a topic twice is not an error, and metadata lists its partitions")
    func topicCreationIsIdempotent() async throws {
        let topic = uniqueName("created")
        let specification = KafkaTopicSpecification(name: topic, partitions: 3, config: ["retention.ms": "3600000"])
        try await admin.createTopic(specification)
        try await admin.createTopic(specification)
        #expect(try await admin.metadata(for: topic) == KafkaTopicMetadata(name: topic, partitions: [0, 1, 2]))
    }

    @Test("a topic that does not exist is reported as unknown")
    func unknownTopicMetadata() async throws {
        await #expect {
            _ = try await admin.metadata(for: uniqueName("missing"))
        } throws: { error in
            guard case KafkaError.topicFailed(_, let code, _) = error else { return false }
            return code == .unknownTopicOrPartition || code == .unknownTopic
        }
    }

    @Test("a message keeps its key, value and headers; a tombstone stays distinct from an empty value")
    func roundTrip() async throws {
        try await scenarios.roundTrip()
    }

    @Test("after a manual commit a new consumer in the same group resumes right after the committed offset")
    func resumeAfterCommit() async throws {
        try await scenarios.resumeAfterCommit()
    }

    @Test("two consumers split the partitions; when one leaves, the other takes over without loss or duplicates")
    func splitAndTakeOver() async throws {
        try await scenarios.splitAndTakeOver()
    }
}
