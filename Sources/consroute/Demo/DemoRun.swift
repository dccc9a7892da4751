import ConsRouteClient
import ConsRouteController
import ConsRouteKafka
import ConsRouteLiveSimulation
import ConsRouteModel
import ConsRouteSimulation
import Foundation

/// One demo run: the controller and the simulated fleet side by side in this process, a progress line every
/// second, and, once the fleet has sent its events and the controller has ingested them, the outcome.
struct DemoRun {
    let controller: Controller
    let scenario: Scenario
    let rate: Double
    let workspace: DemoWorkspace
    let display: DemoDisplay

    func run() async throws -> DemoOutcome {
        let ports = AsyncStream<Int>.makeStream()
        let serving = Task { try await controller.run(handleSignals: false) { ports.continuation.yield($0) } }
        var listening = ports.stream.makeAsyncIterator()
        guard let port = await listening.next() else {
            throw CommandFailure("the controller stopped before its API listened")
        }
        let stopController = {
            serving.cancel()
            if case .failure(let error) = await serving.result, !(error is CancellationError) {
                throw CommandFailure("the controller failed: \(error)")
            }
        }
        let url = "http://127.0.0.1:\(port)"
        display.line("controller: \(url)  broker \(controller.bootstrapServers) (embedded)  log \(workspace.logPath)")

        // The fleet starts once the controller's consumer has joined its group: the embedded broker keeps only
        // about 5 MB per partition, so events sent long before would be gone when it starts reading.
        let joinDeadline = ContinuousClock.now + .seconds(60)
        while !controller.ingest.counters.isAssigned {
            guard ContinuousClock.now < joinDeadline else {
                try? await stopController()
                throw CommandFailure("the controller's consumer did not join its group within 60 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        var settings = LiveSimulationSettings(scenario: scenario, trustedKeys: [workspace.trustedKey])
        settings.eventsPerSecond = rate
        settings.telemetryTopic = controller.configuration.topics.telemetry
        settings.acksTopic = controller.configuration.topics.acks
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                client: KafkaConfiguration(bootstrapServers: controller.bootstrapServers)
            )
        )
        let simulator = try LiveFleetSimulator(
            settings: settings,
            client: try TableClient(url: url),
            producer: producer
        )
        let started = ContinuousClock.now
        let simulation = Task { try await simulator.run() }
        let stopSignals = GracefulShutdown.onTerminationSignals { simulation.cancel() }
        defer { stopSignals.forEach { $0.cancel() } }

        let display = display
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                display.progress(await progressLine(simulator.progress(), since: started))
            }
        }
        let progress: LiveProgress
        do {
            progress = try await simulation.value
            ticker.cancel()
        } catch {
            ticker.cancel()
            try? await stopController()
            throw CommandFailure(simulation.isCancelled ? "interrupted" : "the simulated fleet failed: \(error)")
        }
        display.progress(await progressLine(progress, since: started))
        await producer.shutdown()
        // Let the controller ingest the fleet's last events and finish a tuning it started.
        let deadline = ContinuousClock.now + .seconds(30)
        while controller.ingest.counters.accepted + controller.ingest.counters.lost < progress.eventsDelivered,
            ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(200))
        }
        try? await Task.sleep(for: .seconds(1))
        try await stopController()
        return try await DemoOutcome(
            progress: progress,
            store: controller.store,
            fleet: scenario.fleet,
            qualityTarget: scenario.objective.qualityMin,
            ingested: controller.ingest.counters.accepted,
            lost: controller.ingest.counters.lost,
            seconds: (ContinuousClock.now - started) / .seconds(1),
            url: url
        )
    }

    /// `[ 23s] 138k/300k events (6.0k/s) shift | table v4 drift on 498/500 | drift 7 | quality 0.962 latency 0.55 cost 0.31 | d/e/c 41/33/26%`
    private func progressLine(_ progress: LiveProgress, since started: ContinuousClock.Instant) async -> String {
        let elapsed = Int((ContinuousClock.now - started) / .seconds(1))
        guard progress.devicesReady == progress.devices else {
            return "[\(pad(elapsed))s] devices subscribing: \(progress.devicesReady)/\(progress.devices)"
        }
        var text =
            "[\(pad(elapsed))s] \(thousands(progress.eventsSent))/\(thousands(progress.targetEvents)) events"
            + " (\(thousands(Int(progress.eventsPerSecond)))/s), \(thousands(controller.ingest.counters.accepted)) ingested,"
            + " \(progress.phase)"
        if let active = await controller.cache.tables(fleet: scenario.fleet).active {
            let onIt = progress.holdings.first { $0.version == active.version }?.devices ?? 0
            let trigger = active.signed.table.provenance.trigger.split(separator: ":").first.map(String.init) ?? ""
            text += " | table v\(active.version) \(trigger) on \(onIt)/\(progress.devices)"
        } else {
            text += " | no table yet"
        }
        let drifts = controller.fleets.first { $0.fleet == scenario.fleet }?.driftEventCount ?? 0
        text += " | drift events \(drifts)"
        if let run = progress.run {
            text += String(
                format: " | quality %.3f latency %.2f cost %.2f | d/e/c %.0f/%.0f/%.0f%%",
                run.qualityRatio,
                run.latencyRatio,
                run.costRatio,
                100 * run.shares.device,
                100 * run.shares.edge,
                100 * run.shares.cloud
            )
        }
        return text
    }

    private func pad(_ value: Int) -> String { value < 10 ? "  \(value)" : value < 100 ? " \(value)" : "\(value)" }

    private func thousands(_ value: Int) -> String {
        value >= 1_000 ? String(format: "%.1fk", Double(value) / 1_000) : String(value)
    }
}
