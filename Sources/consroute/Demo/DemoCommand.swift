import ArgumentParser
import ConsRouteClient
import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteSimulation
import ConsRouteStore
import Foundation
import Logging

/// `consroute demo`: the whole loop on one machine with nothing to set up — the embedded broker, the controller,
/// and a simulated fleet on a drift scenario, with a live progress line and a summary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole loop on this machine: embedded broker, controller, and a simulated fleet with drift.",
        discussion: """
            Writes a key pair, an admin token and a controller configuration into --dir, then runs the controller \
            (embedded Kafka broker, HTTP API on 127.0.0.1) and the scenario's simulated devices in this process: \
            each device subscribes to the fleet's tables over server-sent events, verifies and applies them, \
            routes its queries and produces telemetry and acknowledgements. One progress line shows the table \
            versions, drift events, and the fleet's quality, latency and cost against all-cloud. The summary lists \
            the tables and drift events and where to look next; history stays in --dir.

            Exit codes: 0 the loop published a drift-triggered table and the fleet kept its quality ratio at or \
            above q_min; 1 it did not, or something failed (the message names it); 64 the command line is wrong.
            """
    )

    @Option(name: .long, help: "Working folder: keys, configuration, history, controller log.")
    var dir = "consroute-demo"

    @Option(name: .long, help: "The drift scenario (YAML; see config/scenarios/README.md).")
    var scenario = "config/scenarios/demo.yaml"

    @Option(name: .long, help: "Events per second (default: the scenario's events_per_second).")
    var rate: Double?

    @Option(name: .long, help: "Events to send (default: the scenario's).")
    var events: Int?

    @Option(name: .long, help: "HTTP port of the API (0: any free port).")
    var port = 8080

    func validate() throws {
        if let rate, !(rate.isFinite && rate > 0) { throw ValidationError("--rate must be > 0, is \(rate)") }
        if let events, events < 1 { throw ValidationError("--events must be >= 1, is \(events)") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535, is \(port)") }
    }

    func run() async throws {
        var scenario: Scenario
        do {
            scenario = try ScenarioLoader().load(path: self.scenario)
        } catch {
            throw CommandFailure("\(error)")
        }
        if let events { scenario.events = events }
        let workspace = try DemoWorkspace(path: dir, scenario: scenario, port: port)
        let configuration: ControllerConfiguration
        do {
            configuration = try ControllerConfiguration.load(path: workspace.configurationPath, environment: [:])
        } catch {
            throw CommandFailure("\(error)")
        }
        // The controller's log goes to a file: the terminal shows one progress line.
        let log = try workspace.openLog()
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, file: log, level: .info) }
        let display = DemoDisplay()
        display.line(
            "consroute demo: \(scenario.events) events of fleet \(scenario.fleet) (d=\(scenario.dimension)), "
                + "\(scenario.devices) devices, \(Int(rate ?? scenario.eventsPerSecond)) events/s; working folder \(dir)"
        )
        let controller: Controller
        do {
            controller = try await Controller(configuration: configuration, logger: Logger(label: "consroute"))
        } catch {
            throw CommandFailure("\(error)")
        }
        let run = DemoRun(
            controller: controller,
            scenario: scenario,
            rate: rate ?? scenario.eventsPerSecond,
            workspace: workspace,
            display: display
        )
        let outcome = try await run.run()
        display.finish()
        print(outcome.summary(workspace: workspace))
        guard outcome.succeeded else { throw ExitCode.failure }
    }
}
