import ArgumentParser
import Foundation

/// `consroute-bench`: runs benchmark workloads on the shared data files and prints one JSON line per
/// measurement, in the peers' shape.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consroute-bench",
        abstract: "Benchmarks on the shared routing-bench workloads; one JSON line per measurement.",
        discussion: "Workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", "))."
    )

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        /// The workloads that need nothing but the data folder (no broker, no child processes).
        static let dataOnly: [Workload] = [.router, .kmeans, .drift, .thresholds, .ingest]

        case router
        case kmeans
        case thresholds
        case drift
        case ingest
        case ingestE2E = "ingest-e2e"
        case replay
        case publishFanout = "publish-fanout"
        case windowMemory = "window-memory"
        case tuning
    }

    @Option(name: .long, help: "The data folder written by gen_data.py (one folder per dataset).")
    var data: String

    @Option(name: .long, help: "Timed repetitions per measurement (the median is reported).")
    var repeats = 5

    @Option(name: .long, help: "Untimed warm-up runs before the timed ones.")
    var warmup = 1

    @Option(name: .long, help: "Use only the first N queries (router) or events (ingest, replay).")
    var limit: Int?

    @Argument(help: "Workloads to run (default: the ones that need only the data folder).")
    var workloads: [Workload] = []

    func run() async throws {
        let context = BenchContext(dataRoot: URL(fileURLWithPath: data), repeats: repeats, warmup: warmup, limit: limit)
        for workload in workloads.isEmpty ? Workload.dataOnly : workloads {
            switch workload {
            case .router: try RouterBenchmark.run(context)
            case .kmeans: try KMeansBenchmark.run(context)
            case .thresholds: try ThresholdsBenchmark.run(context)
            case .drift: try DriftBenchmark.run(context)
            case .ingest: try IngestBenchmark.run(context)
            case .ingestE2E: try await IngestE2EBenchmark.run(context)
            case .replay: try ReplayBenchmark.run(context)
            case .publishFanout: try PublishFanoutBenchmark.run(context)
            case .windowMemory: try WindowMemoryBenchmark.run(context)
            case .tuning: try TuningBenchmark.run(context)
            }
        }
    }
}
