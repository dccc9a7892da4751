import ConsRouteKafka
import KafkaTestSupport
import Testing

@Suite("Shared scenarios on the mock cluster")
struct KafkaScenarioTests {
    @Test("a message keeps its key, value and headers; a tombstone stays distinct from an empty value")
    func roundTrip() async throws {
        let (cluster, scenarios) = try mockScenarios()
        try await scenarios.roundTrip()
        withExtendedLifetime(cluster) {}
    }

    @Test("after a manual commit a new consumer in the same group resumes right after the committed offset")
    func resumeAfterCommit() async throws {
        let (cluster, scenarios) = try mockScenarios()
        try await scenarios.resumeAfterCommit()
        withExtendedLifetime(cluster) {}
    }

    @Test("two consumers split the partitions; when one leaves, the other takes over without loss or duplicates")
    func splitAndTakeOver() async throws {
        let (cluster, scenarios) = try mockScenarios(brokers: 3)
        try await scenarios.splitAndTakeOver()
        withExtendedLifetime(cluster) {}
    }
}
