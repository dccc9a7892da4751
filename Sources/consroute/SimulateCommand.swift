import ArgumentParser
import ConsRouteClient
import ConsRouteKafka
import ConsRouteLiveSimulation
import ConsRouteModel
import ConsRouteSimulation
import Foundation

/// `consroute simulate`: a fleet of simulated devices against a running controller.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Run a fleet of simulated devices against a controller: tables over HTTP, telemetry and acks to Kafka.",
        discussion: """
            Every device of --scenario (see config/scenarios/README.md) has its own router and subscribes to \
            the fleet's tables at --url (SSE or long-poll), verifying them with --public-key and the scenario's \
            fingerprint; every apply or reject is produced as a TableAck to --acks-topic. The scenario's events \
            are paced at --rate, each routed by its device's router and produced as a QueryEvent to \
            --telemetry-topic (key = fleet); before a device holds a table it sends everything to the cloud. \
            A progress line every --progress-every seconds (events, phase, devices per table version, acks, \
            quality/latency/cost ratios against all-cloud over the run and the last --recent-events events), \
            then a summary; --json prints the final snapshot as JSON (progress lines then go to stderr).

            Exit codes: 0 every event was delivered; 1 the scenario file is malformed (the message names the \
            line and field), a key file is unusable, the API refused the subscriptions, or events could not be \
            delivered; 64 the command line is wrong.
            """
    )

    @Option(name: .long, help: "The scenario (YAML).")
    var scenario: String

    @Option(name: .long, help: "The distribution API, http://host:port.")
    var url: String

    @Option(name: .long, help: "Kafka bootstrap servers, host:port[,host:port].")
    var brokers: String

    @Option(name: .customLong("public-key"), help: "A pinned public key file (repeat for several).")
    var publicKeys: [String] = []

    @Option(name: .long, help: "Events per second (default: the scenario's events_per_second).")
    var rate: Double?

    @Option(name: .long, help: "Devices (default: the scenario's).")
    var devices: Int?

    @Option(name: .long, help: "Events to send (default: the scenario's).")
    var events: Int?

    @Option(name: .long, help: "sse (server-sent events) or longpoll.")
    var transport: TableTransport = .sse

    @Option(name: .customLong("telemetry-topic"), help: "The telemetry topic.")
    var telemetryTopic = "consroute.telemetry"

    @Option(name: .customLong("acks-topic"), help: "The acknowledgements topic.")
    var acksTopic = "consroute.acks"

    @Option(name: .customLong("progress-every"), help: "Seconds between progress lines.")
    var progressEvery = 5.0

    @Option(name: .customLong("recent-events"), help: "Events in the progress line's recent window.")
    var recentEvents = 10_000

    @Flag(name: .long, help: "Print the final snapshot as JSON.")
    var json = false

    func validate() throws {
        guard !publicKeys.isEmpty else { throw ValidationError("pass at least one --public-key") }
        if let rate, !(rate.isFinite && rate > 0) { throw ValidationError("--rate must be > 0, is \(rate)") }
        if let devices, devices < 1 { throw ValidationError("--devices must be >= 1, is \(devices)") }
        if let events, events < 1 { throw ValidationError("--events must be >= 1, is \(events)") }
        guard progressEvery > 0 else { throw ValidationError("--progress-every must be > 0, is \(progressEvery)") }
        guard recentEvents >= 1 else { throw ValidationError("--recent-events must be >= 1, is \(recentEvents)") }
        guard !brokers.split(separator: ",").isEmpty else { throw ValidationError("--brokers needs host:port") }
        do {
            _ = try TableClient(url: url)
        } catch {
            throw ValidationError("--url: \(error)")
        }
    }

    func run() async throws {
        var loaded: Scenario
        do {
            loaded = try ScenarioLoader().load(path: scenario)
        } catch {
            throw CommandFailure("\(error)")
        }
        if let devices { loaded.devices = devices }
        if let events { loaded.events = events }
        var settings = LiveSimulationSettings(scenario: loaded, trustedKeys: try Files.verifyingKeys(publicKeys))
        if let rate { settings.eventsPerSecond = rate }
        settings.transport = transport
        settings.telemetryTopic = telemetryTopic
        settings.acksTopic = acksTopic
        settings.recentEvents = recentEvents
        try await requireFleet(loaded.fleet)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                client: KafkaConfiguration(bootstrapServers: brokers, clientID: "consroute-simulate")
            )
        )
        let simulator = try LiveFleetSimulator(
            settings: settings,
            client: try TableClient(url: url),
            producer: producer
        )
        report(
            "simulating \(loaded.devices) devices of fleet \(loaded.fleet): \(loaded.events) events at "
                + "\(settings.eventsPerSecond)/s, tables by \(transport.rawValue) from \(url), Kafka \(brokers)"
        )
        let final: LiveProgress
        do {
            final = try await runReporting(simulator)
        } catch let error as TableClientError {
            await producer.shutdown(flushTimeout: .seconds(5))
            throw CommandFailure("\(error)")
        }
        await producer.shutdown(flushTimeout: .seconds(10))
        if json {
            print(String(decoding: try LiveProgress.encoder.encode(final), as: UTF8.self))
        } else {
            print(summary(final))
        }
        if final.eventsFailed > 0 {
            throw CommandFailure(
                "\(final.eventsFailed) of \(final.eventsSent) events could not be delivered to \(brokers)"
            )
        }
    }

    /// Fails at once when the controller does not run the scenario's fleet: its every event would be dead-lettered.
    /// Other failures (a controller still starting) are left to the simulation's retries.
    private func requireFleet(_ fleet: String) async throws {
        do {
            _ = try await TableClient(url: url).status(fleet: fleet)
        } catch TableClientError.status(_, 404, let message) {
            throw CommandFailure(
                "the controller at \(url) does not run fleet \(fleet) (\(message)); check the scenario's fleet"
            )
        } catch {
        }
    }

    /// Runs the simulation with a progress line every `progressEvery` seconds.
    private func runReporting(_ simulator: LiveFleetSimulator) async throws -> LiveProgress {
        let interval = Duration.milliseconds(Int64(progressEvery * 1000))
        return try await withThrowingTaskGroup(of: LiveProgress?.self) { group in
            group.addTask { try await simulator.run() }
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    report(simulator.progress().summaryLine)
                }
            }
            defer { group.cancelAll() }
            while true {
                if case .some(.some(let final)) = try await group.next() { return final }
            }
        }
    }

    /// A progress line: standard output, or standard error when standard output carries the JSON.
    /// Written unbuffered, so that a pipe sees each line when it is made.
    private func report(_ line: String) {
        (json ? FileHandle.standardError : FileHandle.standardOutput).write(Data((line + "\n").utf8))
    }

    private func summary(_ progress: LiveProgress) -> String {
        func ratio(_ value: Double) -> String { PolicyFigures.text(ratio: value, digits: 4) }
        func line(_ name: String, _ figures: PolicyFigures?) -> String {
            guard let figures else { return "\(name): no events" }
            return
                "\(name): quality ratio \(ratio(figures.qualityRatio))  latency ratio \(ratio(figures.latencyRatio))  "
                + "cost ratio \(ratio(figures.costRatio))  objective \(String(format: "%.4f", figures.objective))  "
                + String(
                    format: "shares device %.1f%% edge %.1f%% cloud %.1f%%",
                    100 * figures.shares.device,
                    100 * figures.shares.edge,
                    100 * figures.shares.cloud
                )
        }
        let held = progress.holdings.map { "v\($0.version): \($0.devices)" }.joined(separator: ", ")
        return """
            sent \(progress.eventsSent) events in \(String(format: "%.1f", progress.elapsedSeconds)) s \
            (\(String(format: "%.0f", progress.eventsPerSecond))/s), \(progress.eventsDelivered) delivered, \
            \(progress.eventsFailed) failed; last phase \(progress.phase)
            devices per table version: \(held)
            acks sent \(progress.acksSent) (\(progress.acksApplied) applied), \(progress.acksFailed) failed
            \(line("whole run", progress.run))
            \(line("last \(progress.recent?.events ?? 0) events", progress.recent))
            """
    }
}
