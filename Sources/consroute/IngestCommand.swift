import ArgumentParser
import ConsRouteController
import ConsRouteKafka
import ConsRouteStore
import Dispatch
import Foundation

/// `consroute ingest`: only the ingestion half of the controller — telemetry from Kafka into history,
/// exactly once in effect, rejected messages to the dead-letter topic.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Consume telemetry into the history database (exactly once in effect) until SIGTERM.",
        discussion: """
            Each batch's statistics, dead letters and consumer offsets are written in one SQLite transaction, \
            and the consumer resumes from the stored offsets, so a crash or restart neither loses nor repeats \
            an event. SIGTERM or SIGINT stops after the current batch and exits 0.
            """
    )

    @Option(name: .long, help: "Kafka bootstrap servers (host:port[,host:port]).")
    var broker: String

    @Option(name: .long, help: "The history database file (created if missing).")
    var history: String

    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: "A fleet and its representation dimension, NAME=DIM (repeatable)."
    )
    var fleet: [String]

    @Option(name: .long, help: "Consumer group of the controller replicas.")
    var group = "consroute-controller"

    @Option(name: .customLong("telemetry-topic"), help: "Telemetry topic.")
    var telemetryTopic = "consroute.telemetry"

    @Option(name: .customLong("dlq-topic"), help: "Dead-letter topic.")
    var deadLetterTopic = "consroute.dlq"

    @Option(name: .long, parsing: .upToNextOption, help: "A librdkafka setting, KEY=VALUE (repeatable; TLS/SASL too).")
    var kafka: [String] = []

    @Option(name: .long, help: "This replica's id (in dead-letter headers).")
    var replica = "replica-0"

    @Option(name: .customLong("session-timeout-ms"), help: "Consumer group session timeout.")
    var sessionTimeoutMs = 10_000

    func run() async throws {
        let fleets = try Self.pairs(fleet, option: "--fleet").mapValues { text -> Int in
            guard let dimension = Int(text), dimension >= 1 else {
                throw ValidationError("--fleet: dimension \"\(text)\" is not a whole number >= 1")
            }
            return dimension
        }
        guard !fleets.isEmpty else { throw ValidationError("pass at least one --fleet NAME=DIM") }
        var client = KafkaConfiguration(bootstrapServers: broker, clientID: "consroute-ingest-\(replica)")
        client.additionalConfig = try Self.pairs(kafka, option: "--kafka")
        let store: HistoryStore
        do {
            store = try HistoryStore(path: history)
        } catch {
            throw CommandFailure("cannot open history \(history): \(error)")
        }
        let service = IngestService(
            configuration: IngestConfiguration(
                kafka: client,
                group: group,
                telemetryTopic: telemetryTopic,
                deadLetterTopic: deadLetterTopic,
                fleets: fleets,
                sessionTimeout: .milliseconds(sessionTimeoutMs),
                replicaID: replica
            ),
            store: store
        )
        let task = Task { try await service.run() }
        let signals = GracefulShutdown.onTerminationSignals { task.cancel() }
        defer { signals.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch is CancellationError {
        }
        let counters = service.counters
        FileHandle.standardError.write(
            Data(
                "ingest stopped: \(counters.batches) batches, \(counters.accepted) events, \(counters.deadLettered) dead letters, \(counters.replayed) replayed\n"
                    .utf8
            )
        )
    }

    static func pairs(_ values: [String], option: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("\(option) \"\(value)\" is not KEY=VALUE")
            }
            result[String(value[..<equals])] = String(value[value.index(after: equals)...])
        }
        return result
    }
}

/// SIGTERM and SIGINT as a callback, instead of killing the process.
enum GracefulShutdown {
    static func onTerminationSignals(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
