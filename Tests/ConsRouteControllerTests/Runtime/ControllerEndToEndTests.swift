import KafkaTestSupport
import Testing

@Suite("Controller end to end on the embedded broker")
struct ControllerEndToEndTests {
    @Test("drift, re-clustering, optimisation, publication to long-poll and SSE, 304, rollback, admin auth")
    func wholeLoop() async throws {
        try await ControllerScenario(bootstrapServers: nil).run()
    }
}
