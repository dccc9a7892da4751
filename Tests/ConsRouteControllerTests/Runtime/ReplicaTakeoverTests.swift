import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import Foundation
import KafkaTestSupport
import Logging
import Testing

/// A replica that takes over a fleet with an empty history continues its versions from the tables topic.
@Suite("Replica takeover through the tables topic")
struct ReplicaTakeoverTests {
    @Test("a second controller with a fresh history serves the first one's latest table and publishes above it")
    func takeover() async throws {
        let cluster = try KafkaMockCluster()
        var scenario = try ControllerScenario(bootstrapServers: cluster.bootstrapServers)
        let topics = scenario.configuration.topics
        for name in [topics.telemetry, topics.acks, topics.tables, topics.deadLetters] {
            try cluster.createTopic(name, partitions: 1)
        }
        let token = ["Authorization": "Bearer \(ControllerScenario.adminToken)"]

        // Replica A: a first table, then a rollback to it (version 2), on the tables topic.
        let first = try await Controller(configuration: scenario.configuration, logger: Logger(label: "replica-a"))
        let (portsA, continuationA) = AsyncStream<Int>.makeStream()
        let runningA = Task { try await first.run(handleSignals: false) { continuationA.yield($0) } }
        var iteratorA = portsA.makeAsyncIterator()
        let portA = try #require(await iteratorA.next())
        var stream = DriftingFleetStream(fleet: scenario.fleet, seed: 3)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        _ = try await producer.send(contentsOf: stream.records(count: 3_000, topic: topics.telemetry))
        _ = try await scenario.waitForVersion(above: 0, cache: first.cache, within: .seconds(30))
        let rollback = try await HTTPProbe(port: portA).request(
            "POST",
            "/v1/fleets/\(scenario.fleet)/rollback",
            headers: token,
            body: #"{"to_version":1}"#
        )
        #expect(rollback.status == 200, "\(String(decoding: rollback.body, as: UTF8.self))")
        let key = try KeyFile.signingKey(
            from: Array(Data(contentsOf: URL(fileURLWithPath: scenario.configuration.signingKeyFile)))
        )
        let reader = TablesTopicReader(
            kafka: cluster.clientConfiguration,
            topic: topics.tables,
            trustedKeys: [key.verifyingKey]
        )
        let deadline = ContinuousClock.now + .seconds(20)
        while try await reader.latestTables()[scenario.fleet]?.table.version != 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        runningA.cancel()
        _ = await runningA.result
        await producer.shutdown()

        // Replica B: the same broker, topics and key, a history of its own.
        scenario.configuration.history.path = scenario.directory.appendingPathComponent("replica-b.sqlite").path
        scenario.configuration.ingest.group += "-b"
        let second = try await Controller(configuration: scenario.configuration, logger: Logger(label: "replica-b"))
        #expect(await second.cache.tables(fleet: scenario.fleet).active?.version == 2)
        #expect(try await second.store.table(fleet: scenario.fleet, version: 2)?.status == .active)
        let (portsB, continuationB) = AsyncStream<Int>.makeStream()
        let runningB = Task { try await second.run(handleSignals: false) { continuationB.yield($0) } }
        var iteratorB = portsB.makeAsyncIterator()
        let portB = try #require(await iteratorB.next())
        let again = try await HTTPProbe(port: portB).request(
            "POST",
            "/v1/fleets/\(scenario.fleet)/rollback",
            headers: token,
            body: #"{"to_version":2}"#
        )
        #expect(again.status == 200, "\(String(decoding: again.body, as: UTF8.self))")
        #expect(await second.cache.tables(fleet: scenario.fleet).active?.version == 3)
        runningB.cancel()
        _ = await runningB.result
    }
}
