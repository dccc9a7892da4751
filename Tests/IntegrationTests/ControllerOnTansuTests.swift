import ConsRouteKafka
import KafkaTestSupport
import Testing

/// Issue 5's end-to-end flow against a real broker (Tansu, started by scripts/integration-tests.sh).
@Suite("Controller end to end on Tansu")
struct ControllerOnTansuTests {
    @Test("drift, re-clustering, optimisation, publication to long-poll and SSE, 304, rollback, admin auth")
    func wholeLoop() async throws {
        let broker = try testBroker()
        try await ControllerScenario(bootstrapServers: broker.bootstrapServers.joined(separator: ",")).run()
    }
}
