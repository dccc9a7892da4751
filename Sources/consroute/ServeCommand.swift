import ArgumentParser
import ConsRouteController
import ConsRouteLoop
import Foundation
import Logging

/// `consroute serve`: the controller (ingest, drift, re-clustering, optimisation, publishing, the HTTP API).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the controller: telemetry in, drift detection, tuning, signed tables out (HTTP and Kafka).",
        discussion: """
            Reads the configuration file (every key documented in config/controller.yaml), then applies \
            CONSROUTE_* environment overrides (CONSROUTE_HTTP_PORT=9090 overrides http.port). Without \
            broker.bootstrap_servers it runs an embedded in-process Kafka broker and prints its address, so \
            `consroute simulate` can produce to it. SIGTERM or SIGINT: stop consuming, store offsets, close \
            subscribers, exit 0.

            Exit codes: 0 stopped by a signal; 1 start-up or run-time failure (the message names the cause: \
            key file, history, broker, port); 78 invalid configuration (the message names the key).
            """
    )

    @Option(name: .long, help: "The configuration file (default: $CONSROUTE_CONFIG, else config/controller.yaml).")
    var config: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError(
                "--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["CONSROUTE_CONFIG"] ?? "config/controller.yaml"
        let configuration: ControllerConfiguration
        do {
            configuration = try ControllerConfiguration.load(path: path, environment: environment)
        } catch {
            Self.fail("\(error)", code: 78)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "consroute")
        let controller: Controller
        do {
            controller = try await Controller(configuration: configuration, logger: logger)
        } catch {
            Self.fail("\(error)", code: 1)
        }
        let broker =
            configuration.broker.isEmbedded ? "\(controller.bootstrapServers) (embedded)" : controller.bootstrapServers
        let fleets = configuration.fleets.map(\.metadata.fleet).joined(separator: ",")
        let host = configuration.http.host
        do {
            try await controller.run { port in
                let line =
                    "consroute serve: http://\(host):\(port)  broker \(broker)  fleets \(fleets)  history \(configuration.history.path)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch {
            Self.fail("\(error)", code: 1)
        }
    }

    /// Prints a one-line error and exits with `code`.
    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("consroute serve: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
