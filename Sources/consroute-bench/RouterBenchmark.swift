import ConsRouteModel
import ConsRouteRouter
import Crypto
import Foundation

/// W5: the data-plane routing decision (k=16, d=64, 1M queries), one query per call.
///
/// Checks the assignment and tier arrays bit for bit against a float64 reference computed here (the
/// expansion ||x||² − 2x·μ + ||μ||² in float64, as the peers' reference) and prints their sha256, which
/// for the seed-7 data must equal the peers' `reference` line.
enum RouterBenchmark {
    /// The peers' reference hashes for `gen_data.py --seed 7` (results/peers.jsonl, `reference` line).
    static let referenceAssignSHA256 = "d50735f9414daac42af380c19e2451d56335055660d2988cd9405b33b4721f60"
    static let referenceTierSHA256 = "53e4b7758bdfe47a9d02fa1cee36d72adfa581a489a8ee672cdbc8c8f4cae1d5"

    static func run(_ context: BenchContext) throws {
        let data = try context.dataset("router")
        var points = try data.column("points").floats()
        let centroids = try data.column("centroids").floats()
        let thresholds = try data.column("thresholds").floats()
        let pDevice = try data.column("p_dev").floats()
        let pEdge = try data.column("p_edge").floats()
        let k = thresholds.count / 2
        let d = centroids.count / k
        if let limit = context.limit, limit * d < points.count { points.removeLast(points.count - limit * d) }
        let n = points.count / d
        let table = benchmarkTable(centroids: centroids, thresholds: thresholds, k: k, d: d)
        let policy = RoutingPolicy(table: table)

        var assignments = [Int32](repeating: 0, count: n)
        var tiers = [UInt8](repeating: 0, count: n)
        let timing = points.withUnsafeBufferPointer { points in
            pDevice.withUnsafeBufferPointer { pDevice in
                pEdge.withUnsafeBufferPointer { pEdge in
                    assignments.withUnsafeMutableBufferPointer { assignments in
                        tiers.withUnsafeMutableBufferPointer { tiers in
                            context.timed {
                                for query in 0..<n {
                                    let decision = policy.decide(
                                        representation: UnsafeBufferPointer(start: points.baseAddress! + query * d, count: d),
                                        pDevice: pDevice[query], pEdge: pEdge[query])
                                    assignments[query] = Int32(truncatingIfNeeded: decision.clusterIndex)
                                    tiers[query] = UInt8(truncatingIfNeeded: decision.tier.rawValue)
                                }
                            }
                        }
                    }
                }
            }
        }
        let reference = referenceDecisions(points: points, centroids: centroids, thresholds: thresholds, pDevice: pDevice, pEdge: pEdge, d: d)
        let assignSHA = sha256(assignments.withUnsafeBytes { Array($0) })
        let tierSHA = sha256(tiers)
        var tierCounts = [0, 0, 0]
        for tier in tiers { tierCounts[Int(tier)] += 1 }
        context.emit([
            "workload": "W5", "peer": "consroute.RoutingPolicy.decide",
            "params": ["per_query": "one decide() call per query", "threads": 1, "k": k, "d": d],
            "n": n, "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "ns_per_query": rounded(timing.median / Double(n) * 1e9, 2), "repeats": context.repeats,
            "warmup": context.warmup, "tier_counts": tierCounts,
            "assign_mismatches_vs_float64": zip(assignments, reference.assignments).filter { $0 != $1 }.count,
            "tier_mismatches_vs_float64": zip(tiers, reference.tiers).filter { $0 != $1 }.count,
            "sha256_assign_i32le": assignSHA, "sha256_tier_u8": tierSHA,
            "matches_peer_reference_sha256": assignSHA == referenceAssignSHA256 && tierSHA == referenceTierSHA256,
        ])

        try runDeviceRouter(context, table: table, points: points, pDevice: pDevice, pEdge: pEdge, d: d, expected: tiers)
    }

    /// The same decisions through the thread-safe `DeviceRouter.route` (lock, expiry check, dimension check).
    private static func runDeviceRouter(
        _ context: BenchContext, table: ThresholdTable, points: [Float], pDevice: [Float], pEdge: [Float], d: Int,
        expected: [UInt8]
    ) throws {
        let key = TableSigningKey()
        let router = try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: table.fleet, deviceID: "bench", fingerprint: table.fingerprint, trustedKeys: [key.verifyingKey]),
            clock: { 1 })
        let ack = router.apply(envelope: try SignedTable(signing: table, with: key).envelopeBytes())
        guard ack.applied else { throw BenchError("bench table rejected: \(ack.reason)") }
        let n = points.count / d
        var mismatches = 0
        let timing = try points.withUnsafeBufferPointer { points in
            try context.timed {
                mismatches = 0
                for query in 0..<n {
                    let decision = try router.route(
                        representation: UnsafeBufferPointer(rebasing: points[query * d..<(query + 1) * d]),
                        pDevice: pDevice[query], pEdge: pEdge[query])
                    if UInt8(decision.tier.rawValue) != expected[query] { mismatches += 1 }
                }
            }
        }
        context.emit([
            "workload": "W5", "peer": "consroute.DeviceRouter.route",
            "params": ["per_query": "one route() call per query (lock + expiry + dimension checks)", "threads": 1],
            "n": n, "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "ns_per_query": rounded(timing.median / Double(n) * 1e9, 2), "repeats": context.repeats,
            "warmup": context.warmup, "tier_mismatches_vs_decide": mismatches,
        ])
    }

    static func benchmarkTable(centroids: [Float], thresholds: [Float], k: Int, d: Int) -> ThresholdTable {
        ThresholdTable(
            fleet: "bench", version: 1, parentVersion: 0, createdAtMs: 0, expiresAtMs: Int64.max,
            fingerprint: Fingerprint(representationModel: "bench", representationDim: d, reranker: "bench", promptTemplate: "bench"),
            clusters: (0..<k).map { cluster in
                TableCluster(
                    id: UInt32(cluster), centroid: Array(centroids[cluster * d..<(cluster + 1) * d]),
                    radius2: .greatestFiniteMagnitude,
                    thresholds: ThresholdPair(device: thresholds[2 * cluster], edge: thresholds[2 * cluster + 1]))
            },
            novel: .cloudLeaning, objective: ObjectiveWeights(latencyRefMs: 1), reprefillMsPer1kTokens: [0, 0, 0],
            rollout: .active,
            expected: ExpectedOutcome(qualityRatio: 1, latencyRatio: 1, costRatio: 1, latencyMs: 0, cost: 0, shares: [0, 0, 1]),
            provenance: Provenance(
                trigger: "bench", windowFromMs: 0, windowToMs: 0, windowEvents: 0, windowShadow: 0, optimiserRunID: "",
                controllerVersion: "bench"))
    }

    /// The float64 reference: `argmin_j (||x||² − 2x·c_j + ||c_j||²)` in float64, ties to the lowest j.
    static func referenceDecisions(
        points: [Float], centroids: [Float], thresholds: [Float], pDevice: [Float], pEdge: [Float], d: Int
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
            tiers[query] = pDevice[query] >= thresholds[2 * bestIndex] ? 0 : (pEdge[query] >= thresholds[2 * bestIndex + 1] ? 1 : 2)
        }
        return (assignments, tiers)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
