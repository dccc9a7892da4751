import ArgumentParser
import Foundation

/// `consroute-bench`: runs benchmark workloads on the shared data files and prints one JSON line per
/// measurement, in the peers' shape.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consroute-bench",
        abstract: "Benchmarks on the shared routing-bench workloads; one JSON line per measurement.",
        discussion: "Workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case router
        case kmeans
        case thresholds
        case drift
        case ingest
    }

    @Option(name: .long, help: "The data folder written by gen_data.py (one folder per dataset).")
    var data: String

    @Option(name: .long, help: "Timed repetitions per measurement (the median is reported).")
    var repeats = 5

    @Option(name: .long, help: "Untimed warm-up runs before the timed ones.")
    var warmup = 1

    @Option(name: .long, help: "Use only the first N queries (router) or events (ingest).")
    var limit: Int?

    @Argument(help: "Workloads to run (default: all).")
    var workloads: [Workload] = []

    func run() throws {
        let context = BenchContext(dataRoot: URL(fileURLWithPath: data), repeats: repeats, warmup: warmup, limit: limit)
        for workload in workloads.isEmpty ? Workload.allCases : workloads {
            switch workload {
            case .router: try RouterBenchmark.run(context)
            case .kmeans: try KMeansBenchmark.run(context)
            case .thresholds: try ThresholdsBenchmark.run(context)
            case .drift: try DriftBenchmark.run(context)
            case .ingest: try IngestBenchmark.run(context)
            }
        }
    }
}
