import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import Foundation
import KafkaTestSupport
import Logging
import Testing

@Suite("Controller through a broker outage")
struct BrokerOutageTests {
    @Test("with the broker down the API keeps serving the last table; when it is back, ingestion resumes without loss")
    func outage() async throws {
        let scenario = try ControllerScenario(bootstrapServers: nil)
        let controller = try await Controller(configuration: scenario.configuration, logger: Logger(label: "outage"))
        let ports = AsyncStream<Int>.makeStream()
        let running = Task { try await controller.run(handleSignals: false) { ports.continuation.yield($0) } }
        defer { running.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let http = HTTPProbe(port: port)
        let broker = try #require(controller.embedded)
        var stream = DriftingFleetStream(fleet: scenario.fleet, seed: 11)
        let telemetry = scenario.configuration.topics.telemetry
        let producer = try KafkaProducer(configuration: producerConfiguration(broker.clientConfiguration))
        _ = try await producer.send(contentsOf: stream.records(count: 3_000, topic: telemetry))
        let first = try await scenario.waitForVersion(above: 0, cache: controller.cache, within: .seconds(30))
        try await scenario.waitForObserved(controller, events: 3_000)

        broker.setBrokersAvailable(false)
        for _ in 0..<6 {
            let response = try await http.request("GET", "/v1/fleets/\(scenario.fleet)/table")
            #expect(response.status == 200)
            // The table served is the first or a newer one (the data-growth re-tune may publish during the outage:
            // tuning needs no broker).
            let version = response.headers["etag"].flatMap { UInt64($0.trimmingCharacters(in: ["\""])) }
            #expect(
                version.map { $0 >= first.table.version } == true,
                "\(String(describing: response.headers["etag"]))"
            )
            #expect(try await http.request("GET", "/healthz").status == 200)
            try await Task.sleep(for: .milliseconds(500))
        }
        broker.setBrokersAvailable(true)

        _ = try await producer.send(contentsOf: stream.records(count: 1_000, topic: telemetry))
        // What is tested is that nothing is lost, not how fast the group recovers: the consumer's session timed out
        // during the outage, and under the whole suite's load on two cores its rejoin has taken more than 30 s.
        let resumed = ContinuousClock.now
        let deadline = resumed + .seconds(120)
        while controller.ingest.counters.accepted < 4_000 || controller.fleets[0].loop.snapshot.observedEvents < 4_000,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(controller.ingest.counters.accepted == 4_000)
        print(
            "broker outage: the 1,000 events after the outage were ingested \(ContinuousClock.now - resumed) after it"
        )
        // Partitions re-assigned after the outage are replayed for their dedupe windows, not observed twice.
        try await Task.sleep(for: .milliseconds(500))
        #expect(controller.fleets[0].loop.snapshot.observedEvents == 4_000)
        await producer.shutdown()
    }
}
