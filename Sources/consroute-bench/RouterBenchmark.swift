import CBenchMallocCounter
import ConsRouteModel
import ConsRouteRouter
import Crypto
import Foundation

/// W5: the data-plane routing decision (k=16, d=64, 1M queries), one query per call.
///
/// Checks the assignment and tier arrays bit for bit against a float64 reference computed here (the
/// expansion ||x||² − 2x·μ + ||μ||² in float64, as the peers' reference) and prints their sha256, which
/// for the seed-7 data must equal the peers' `reference` line. The first line is the kernel path the
/// library selects on this CPU (named in `params.kernel`); one line per other supported path follows, then
/// `DeviceRouter.route`, then the larger representations (`RouterBenchmark+Large.swift`).
enum RouterBenchmark {
    /// The peers' reference hashes for `gen_data.py --seed 7` (results/peers.jsonl, `reference` line).
    static let referenceAssignSHA256 = "d50735f9414daac42af380c19e2451d56335055660d2988cd9405b33b4721f60"
    static let referenceTierSHA256 = "53e4b7758bdfe47a9d02fa1cee36d72adfa581a489a8ee672cdbc8c8f4cae1d5"

    /// Queries (and floats each) of the data, with the scores, as the timed loops read them.
    struct Queries {
        var points: [Float]
        var pDevice: [Float]
        var pEdge: [Float]
        var d: Int
        var count: Int { points.count / d }
    }

    static func run(_ context: BenchContext) throws {
        let data = try context.dataset("router")
        var points = try data.column("points").floats()
        let centroids = try data.column("centroids").floats()
        let thresholds = try data.column("thresholds").floats()
        let k = thresholds.count / 2
        let d = centroids.count / k
        if let limit = context.limit, limit * d < points.count { points.removeLast(points.count - limit * d) }
        let queries = Queries(
            points: points,
            pDevice: try data.column("p_dev").floats(),
            pEdge: try data.column("p_edge").floats(),
            d: d
        )
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
        defer { RoutingKernel.select(selected) }
        var tiers: [UInt8] = []
        for kernel in [selected] + RoutingKernel.supported.reversed().filter({ $0 != selected }) {
            RoutingKernel.select(kernel)
            let measured = measureDecide(context, table: table, queries: queries, reference: reference)
            var record = measured.record
            record["peer"] =
                kernel == selected ? "consroute.RoutingPolicy.decide" : "consroute.RoutingPolicy.decide[\(kernel)]"
            record["params"] = [
                "per_query": "one decide() call per query", "threads": 1, "k": k, "d": d, "kernel": "\(kernel)",
                "kernel_selected_by": kernel == selected ? "cpu" : "RoutingKernel.select",
            ]
            record["matches_peer_reference_sha256"] =
                measured.assignSHA == referenceAssignSHA256 && measured.tierSHA == referenceTierSHA256
            context.emit(record)
            if kernel == selected { tiers = measured.tiers }
        }
        RoutingKernel.select(selected)
        try runDeviceRouter(context, table: table, queries: queries, expected: tiers)
        try exportSignedTable(table, to: context.dataRoot.appendingPathComponent("router/consroute-signed"))
        try RouterBenchmark.runLarge(context)
    }

    /// One `decide` per query, timed, then counted: allocations over one more untimed pass.
    static func measureDecide(
        _ context: BenchContext,
        table: ThresholdTable,
        queries: Queries,
        reference: (assignments: [Int32], tiers: [UInt8])
    ) -> (record: [String: Any], tiers: [UInt8], assignSHA: String, tierSHA: String) {
        let policy = RoutingPolicy(table: table)
        let n = queries.count
        let d = queries.d
        var assignments = [Int32](repeating: 0, count: n)
        var tiers = [UInt8](repeating: 0, count: n)
        var allocations: UInt64 = 0
        var cpu: UInt64 = 0
        let timing = queries.points.withUnsafeBufferPointer { points in
            queries.pDevice.withUnsafeBufferPointer { pDevice in
                queries.pEdge.withUnsafeBufferPointer { pEdge in
                    assignments.withUnsafeMutableBufferPointer { assignmentBuffer in
                        tiers.withUnsafeMutableBufferPointer { tierBuffer in
                            // Copies of the buffers (not the closures' inout parameters) for the loop to capture.
                            let assignments = assignmentBuffer
                            let tiers = tierBuffer
                            let loop = {
                                for query in 0..<n {
                                    let decision = policy.decide(
                                        representation: UnsafeBufferPointer(
                                            start: points.baseAddress! + query * d,
                                            count: d
                                        ),
                                        pDevice: pDevice[query],
                                        pEdge: pEdge[query]
                                    )
                                    assignments[query] = Int32(truncatingIfNeeded: decision.clusterIndex)
                                    tiers[query] = UInt8(truncatingIfNeeded: decision.tier.rawValue)
                                }
                            }
                            let timing = context.timed(loop)
                            let before = consroute_bench_allocations()
                            let cpuBefore = threadCPUNanoseconds()
                            loop()
                            cpu = threadCPUNanoseconds() - cpuBefore
                            allocations = consroute_bench_allocations() - before
                            return timing
                        }
                    }
                }
            }
        }
        let assignSHA = sha256(assignments.withUnsafeBytes { Array($0) })
        let tierSHA = sha256(tiers)
        var tierCounts = [0, 0, 0]
        for tier in tiers { tierCounts[Int(tier)] += 1 }
        let record: [String: Any] = [
            "workload": "W5", "n": n, "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "ns_per_query": rounded(timing.median / Double(n) * 1e9, 2), "repeats": context.repeats,
            "warmup": context.warmup, "tier_counts": tierCounts,
            "assign_mismatches_vs_float64": zip(assignments, reference.assignments).filter { $0 != $1 }.count,
            "tier_mismatches_vs_float64": zip(tiers, reference.tiers).filter { $0 != $1 }.count,
            "sha256_assign_i32le": assignSHA, "sha256_tier_u8": tierSHA,
            "allocations_per_query": allocationFigure(allocations, n),
            "thread_cpu_ns_per_query": rounded(Double(cpu) / Double(n), 2),
        ]
        return (record, tiers, assignSHA, tierSHA)
    }

    /// Allocations per query, or JSON null where the counting hook is not in place (not glibc).
    static func allocationFigure(_ allocations: UInt64, _ queries: Int) -> Any {
        consroute_bench_allocations_counted() != 0 ? Double(allocations) / Double(max(1, queries)) : NSNull()
    }

    /// The same decisions through the thread-safe `DeviceRouter.route` (lock, expiry check, dimension check).
    private static func runDeviceRouter(
        _ context: BenchContext,
        table: ThresholdTable,
        queries: Queries,
        expected: [UInt8]
    ) throws {
        let key = TableSigningKey()
        let router = try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: table.fleet,
                deviceID: "bench",
                fingerprint: table.fingerprint,
                trustedKeys: [key.verifyingKey]
            ),
            clock: { 1 }
        )
        let ack = router.apply(envelope: try SignedTable(signing: table, with: key).envelopeBytes())
        guard ack.applied else { throw BenchError("bench table rejected: \(ack.reason)") }
        let n = queries.count
        let d = queries.d
        var mismatches = 0
        var allocations: UInt64 = 0
        var cpu: UInt64 = 0
        let timing = try queries.points.withUnsafeBufferPointer { points in
            let loop = {
                mismatches = 0
                for query in 0..<n {
                    let decision = try router.route(
                        representation: UnsafeBufferPointer(rebasing: points[query * d..<(query + 1) * d]),
                        pDevice: queries.pDevice[query],
                        pEdge: queries.pEdge[query]
                    )
                    if UInt8(decision.tier.rawValue) != expected[query] { mismatches += 1 }
                }
            }
            let timing = try context.timed(loop)
            let before = consroute_bench_allocations()
            let cpuBefore = threadCPUNanoseconds()
            try loop()
            cpu = threadCPUNanoseconds() - cpuBefore
            allocations = consroute_bench_allocations() - before
            return timing
        }
        context.emit([
            "workload": "W5", "peer": "consroute.DeviceRouter.route",
            "params": [
                "per_query": "one route() call per query (lock + expiry + dimension checks)", "threads": 1,
                "kernel": "\(RoutingKernel.selected)",
            ],
            "n": n, "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "ns_per_query": rounded(timing.median / Double(n) * 1e9, 2), "repeats": context.repeats,
            "warmup": context.warmup, "tier_mismatches_vs_decide": mismatches,
            "allocations_per_query": allocationFigure(allocations, n),
            "thread_cpu_ns_per_query": rounded(Double(cpu) / Double(n), 2),
        ])
    }

    /// CPU time of the calling thread: on a machine whose other processes take turns on the cores, the time
    /// a loop ran, without the time it waited (`ns_per_query` is wall time, as the peers report it).
    static func threadCPUNanoseconds() -> UInt64 {
        consroute_bench_thread_cpu_ns()
    }

    /// Writes the bench table signed with a fixed benchmark key, and that key's public file, for the Python
    /// binding's benchmark (`scripts/bench-python-router.py`), which cannot sign.
    static func exportSignedTable(_ table: ThresholdTable, to folder: URL) throws {
        var seed = [UInt8](repeating: 0, count: 32)
        for (index, byte) in "consroute-bench router key......".utf8.prefix(32).enumerated() { seed[index] = byte }
        let key = try TableSigningKey(rawRepresentation: seed)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(try SignedTable(signing: table, with: key).envelopeBytes()).write(
            to: folder.appendingPathComponent("table.json")
        )
        try Data(KeyFile.publicKeyFile(key.verifyingKey)).write(to: folder.appendingPathComponent("key.pub"))
    }

    static func benchmarkTable(centroids: [Float], thresholds: [Float], k: Int, d: Int) -> ThresholdTable {
        ThresholdTable(
            fleet: "bench",
            version: 1,
            parentVersion: 0,
            createdAtMs: 0,
            expiresAtMs: Int64.max,
            fingerprint: Fingerprint(
                representationModel: "bench",
                representationDim: d,
                reranker: "bench",
                promptTemplate: "bench"
            ),
            clusters: (0..<k).map { cluster in
                TableCluster(
                    id: UInt32(cluster),
                    centroid: Array(centroids[cluster * d..<(cluster + 1) * d]),
                    radius2: .greatestFiniteMagnitude,
                    thresholds: ThresholdPair(device: thresholds[2 * cluster], edge: thresholds[2 * cluster + 1])
                )
            },
            novel: .cloudLeaning,
            objective: .standard,
            latencyRefMs: 1,
            reprefillMsPer1kTokens: [0, 0, 0],
            rollout: .active,
            expected: ExpectedOutcome(
                qualityRatio: 1,
                latencyRatio: 1,
                costRatio: 1,
                latencyMs: 0,
                cost: 0,
                shares: [0, 0, 1]
            ),
            provenance: Provenance(
                trigger: "bench",
                windowFromMs: 0,
                windowToMs: 0,
                windowEvents: 0,
                windowShadow: 0,
                optimiserRunID: "",
                controllerVersion: "bench"
            )
        )
    }

    /// The float64 reference: `argmin_j (||x||² − 2x·c_j + ||c_j||²)` in float64, ties to the lowest j.
    static func referenceDecisions(
        points: [Float],
        centroids: [Float],
        thresholds: [Float],
        pDevice: [Float],
        pEdge: [Float],
        d: Int
    ) -> (assignments: [Int32], tiers: [UInt8]) {
        let k = centroids.count / d
        let n = points.count / d
        let c64 = centroids.map(Double.init)
        let norms = (0..<k).map { j in (0..<d).reduce(0.0) { $0 + c64[j * d + $1] * c64[j * d + $1] } }
        var assignments = [Int32](repeating: 0, count: n)
        var tiers = [UInt8](repeating: 0, count: n)
        for query in 0..<n {
            var xNorm = 0.0
            for j in 0..<d { xNorm += Double(points[query * d + j]) * Double(points[query * d + j]) }
            var best = Double.infinity
            var bestIndex = 0
            for cluster in 0..<k {
                var dot = 0.0
                for j in 0..<d { dot += Double(points[query * d + j]) * c64[cluster * d + j] }
                let distance = xNorm - 2 * dot + norms[cluster]
                if distance < best {
                    best = distance
                    bestIndex = cluster
                }
            }
            assignments[query] = Int32(bestIndex)
            tiers[query] =
                pDevice[query] >= thresholds[2 * bestIndex]
                ? 0 : (pEdge[query] >= thresholds[2 * bestIndex + 1] ? 1 : 2)
        }
        return (assignments, tiers)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
