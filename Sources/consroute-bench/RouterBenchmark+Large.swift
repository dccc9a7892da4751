import ConsRouteModel
import Foundation

extension RouterBenchmark {
    /// The representation sizes of real device models (docs/design.md §3): `router-d384` and `router-d2048`, written by
    /// `scripts/gen-router-large.py` (64 centroids each; k = 16 uses the first 16), one `decide` per query on the
    /// selected kernel path, bit-exact against the float64 reference. Where the selected path is `avx512vnni`, a
    /// second line per size runs `avx512` (the same float kernel without the int8 screen) for comparison.
    static let largeDatasets = ["router-d384", "router-d2048"]

    static func runLarge(_ context: BenchContext) throws {
        for name in largeDatasets {
            guard
                FileManager.default.fileExists(
                    atPath: context.dataRoot.appendingPathComponent("\(name)/meta.json").path
                )
            else {
                FileHandle.standardError.write(Data("\(name): not found, run scripts/gen-router-large.py\n".utf8))
                continue
            }
            let data = try context.dataset(name)
            var points = try data.column("points").floats()
            let allCentroids = try data.column("centroids").floats()
            let allThresholds = try data.column("thresholds").floats()
            let d = allCentroids.count / (allThresholds.count / 2)
            if let limit = context.limit, limit * d < points.count { points.removeLast(points.count - limit * d) }
            let queries = Queries(
                points: points,
                pDevice: try data.column("p_dev").floats(),
                pEdge: try data.column("p_edge").floats(),
                d: d
            )
            for k in [16, 64] {
                let centroids = Array(allCentroids.prefix(k * d))
                let thresholds = Array(allThresholds.prefix(2 * k))
                let table = benchmarkTable(centroids: centroids, thresholds: thresholds, k: k, d: d)
                let reference = referenceDecisions(
                    points: queries.points,
                    centroids: centroids,
                    thresholds: thresholds,
                    pDevice: queries.pDevice,
                    pEdge: queries.pEdge,
                    d: d
                )
                let selected = RoutingKernel.selected
                let policy = RoutingPolicy(table: table)
                for kernel in [selected] + (selected == .avx512vnni ? [RoutingKernel.avx512] : []) {
                    RoutingKernel.select(kernel)
                    defer { RoutingKernel.select(selected) }
                    var record = measureDecide(context, table: table, queries: queries, reference: reference).record
                    record["peer"] =
                        kernel == selected
                        ? "consroute.RoutingPolicy.decide" : "consroute.RoutingPolicy.decide[\(kernel)]"
                    record["dataset"] = name
                    record["params"] = [
                        "per_query": "one decide() call per query", "threads": 1, "k": k, "d": d,
                        "kernel": "\(kernel)", "int8_screen": policy.runsScreen(on: kernel),
                    ]
                    emitLarge(context, record: record, reference: reference)
                }
            }
        }
    }

    private static func emitLarge(
        _ context: BenchContext,
        record: [String: Any],
        reference: (assignments: [Int32], tiers: [UInt8])
    ) {
        var record = record
        let referenceSHA = sha256(reference.assignments.withUnsafeBytes { Array($0) })
        record["sha256_reference_assign_i32le"] = referenceSHA
        record["matches_reference_sha256"] =
            (record["sha256_assign_i32le"] as? String) == referenceSHA
            && (record["sha256_tier_u8"] as? String) == sha256(reference.tiers)
        context.emit(record)
    }
}
