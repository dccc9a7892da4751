import ConsRouteClient
import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteTuning
import Foundation
import Hummingbird
import KafkaTestSupport
import Logging
import Prometheus
import ServiceLifecycle
import Testing

@testable import ConsRouteLiveSimulation
@testable import ConsRouteSimulation

/// The distribution API over an in-memory cache on 127.0.0.1, with a Kafka mock cluster, for the live
/// simulation tests.
struct LiveHarness {
    let key = TableSigningKey()
    let cache = TableCache()
    let cluster: KafkaMockCluster
    let api: DistributionAPI
    let telemetryTopic = uniqueName("telemetry")
    let acksTopic = uniqueName("acks")

    init() throws {
        cluster = try KafkaMockCluster()
        try cluster.createTopic(telemetryTopic, partitions: 1)
        try cluster.createTopic(acksTopic, partitions: 1)
        api = DistributionAPI(
            cache: cache,
            history: NoLiveHistory(),
            status: NoLiveHistory(),
            admin: NoLiveHistory(),
            metrics: DistributionMetrics(registry: PrometheusCollectorRegistry()),
            configuration: try DistributionAPIConfiguration(adminToken: "live-test-token"),
            readiness: { true }
        )
    }

    /// Signs and publishes table `version` for `scenario`'s fleet and fingerprint (4 clusters).
    func publish(version: UInt64, for scenario: Scenario) async throws {
        var generator = SeededGenerator(seed: version)
        var table = ThresholdTable.example(
            fleet: scenario.fleet,
            version: version,
            dimension: scenario.dimension,
            clusterCount: 4,
            createdAtMs: Int64(Date().timeIntervalSince1970 * 1000),
            using: &generator
        )
        table.fingerprint = scenario.fingerprint
        try await cache.publish(try SignedTable(signing: table, with: key))
    }

    /// A simulator of `scenario` against this API and cluster.
    func simulator(
        _ scenario: Scenario,
        transport: TableTransport,
        producer: KafkaProducer,
        port: Int,
        maximumResponseBytes: Int = 1 << 20
    ) throws -> LiveFleetSimulator {
        var settings = LiveSimulationSettings(scenario: scenario, trustedKeys: [key.verifyingKey])
        settings.telemetryTopic = telemetryTopic
        settings.acksTopic = acksTopic
        settings.transport = transport
        settings.recentEvents = 100
        settings.tick = .milliseconds(10)
        // A parked long-poll ends on the server only when its wait does, and graceful shutdown waits for it.
        settings.longPollWait = .seconds(1)
        let client = try TableClient(
            url: "http://127.0.0.1:\(port)",
            configuration: TableClientConfiguration(
                maximumResponseBytes: maximumResponseBytes,
                backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
            )
        )
        return try LiveFleetSimulator(settings: settings, client: client, producer: producer)
    }

    /// Runs the API on 127.0.0.1 while `body` runs, with a producer to the mock cluster.
    func serve<Result: Sendable>(_ body: (_ port: Int, _ producer: KafkaProducer) async throws -> Result) async throws
        -> Result
    {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = api.buildApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }
        )
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [app], logger: Logger(label: "live-test"))
        )
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.clientConfiguration))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try #require(await ports.first(where: { _ in true }))
            do {
                let result = try await body(port, producer)
                await producer.shutdown()
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await producer.shutdown()
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// Every telemetry event produced, decoded as the controller decodes them.
    func telemetry(expected: Int, scenario: Scenario) async throws -> [TelemetryEvent] {
        let decoder = TelemetryDecoder(fleets: [scenario.fleet: scenario.dimension])
        let messages = try await readAll(
            topic: telemetryTopic,
            client: cluster.clientConfiguration,
            expected: expected,
            quiet: .milliseconds(500)
        )
        #expect(messages.allSatisfy { $0.key == Array(scenario.fleet.utf8) })
        return try messages.map { message in try decoder.decode(message.value).get() }
    }

    /// Every acknowledgement produced.
    func acknowledgements(expected: Int) async throws -> [TableAcknowledgement] {
        let messages = try await readAll(
            topic: acksTopic,
            client: cluster.clientConfiguration,
            expected: expected,
            quiet: .milliseconds(500)
        )
        return try messages.map { try TableAcknowledgement(bytes: $0.value) }
    }
}

/// A small live scenario: the small test scenario with `devices` devices and `events` events at 2,000 per second.
func liveScenario(devices: Int = 6, events: Int = 600) throws -> Scenario {
    var scenario = try ScenarioLoader().parse(smallScenarioYAML(events: events), file: "live.yaml")
    scenario.devices = devices
    scenario.eventsPerSecond = 2_000
    return scenario
}

/// No history, no status fields, no admin actions.
struct NoLiveHistory: TableHistory, FleetStatusProvider, AdminActions {
    func table(fleet: String, version: UInt64) async throws -> SignedTable? { nil }
    func additionalStatus(fleet: String) async throws -> [String: JSONValue]? { nil }
    func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue { throw unavailable }
    func retune(fleet: String) async throws -> JSONValue { throw unavailable }
    func pause(fleet: String) async throws -> JSONValue { throw unavailable }
    func resume(fleet: String) async throws -> JSONValue { throw unavailable }
    func promote(fleet: String) async throws -> JSONValue { throw unavailable }
    private var unavailable: AdminActionError { .unavailable("the live simulation tests have no admin actions") }
}
