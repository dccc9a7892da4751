import ConsRouteModel
import ConsRouteRouter
import Foundation

/// One routed query and what the reference says about it.
struct RouteVector {
    var name: String
    var x: [Float]
    var pDevice: Float
    var pEdge: Float
    var turn: TurnContext?
    var cluster = 0
    var isNovel = false
    var tier = Tier.cloud
}

/// One set of routed queries: its files, its router's fingerprint and the shape of its table.
struct RouteSet {
    /// The stem of the files: `<name>.json` (queries), `tables/<name>.json` (the signed table).
    var name: String
    /// The router's configuration file (`router.json` or `router-d384.json`).
    var router: String
    var fingerprint: Fingerprint
    var clusterCount: Int
    /// Multiplies the clusters' `radius2` (4...8 at d = 16), so that the plain queries' spread at this d is near it.
    var radiusScale: Float
    /// The near-tie pairs (bisector queries).
    var nearTies: [(Int, Int)]
}

extension ConformanceVectors {
    /// k = 20 (two blocks of 16), d = 16, cluster 19 a copy of cluster 3 (an exact tie).
    static let routeSet = RouteSet(
        name: "route",
        router: "router.json",
        fingerprint: fingerprint,
        clusterCount: 20,
        radiusScale: 1,
        nearTies: [(0, 1), (5, 17), (16, 2)]
    )
    /// k = 40 (three blocks, the last one part padding), d = 384: a table whose centroids do not fit in L1, which a
    /// router may route differently from a small one (the Swift router screens it with int8 codes on CPUs with
    /// AVX-512 VNNI); cluster 39 a copy of cluster 3.
    static let largeRouteSet = RouteSet(
        name: "route-d384",
        router: "router-d384.json",
        fingerprint: largeFingerprint,
        clusterCount: 40,
        radiusScale: 4,
        nearTies: [(0, 1), (5, 17), (16, 2), (33, 8)]
    )

    /// The routing table: `set.clusterCount` clusters of `set.fingerprint`'s dimension, the last one a copy of
    /// cluster 3 (an exact tie).
    func routeTable(_ set: RouteSet = Self.routeSet) -> ThresholdTable {
        var generator = SplitMix64(seed: 20)
        var table = self.table(version: 1, seed: 20)
        table.fingerprint = set.fingerprint
        let d = set.fingerprint.representationDim
        let k = set.clusterCount
        table.clusters = (0..<k).map { index in
            let centroid: [Float] = (0..<d).map { _ in generator.float(-2, 2) }
            let device: Float = 0.5 + 0.35 * Float(index) / Float(k - 1)
            let edge: Float = 0.35 + 0.4 * Float((index * 7) % k) / Float(k - 1)
            return TableCluster(
                id: UInt32(100 + 7 * index),
                centroid: centroid,
                radius2: set.radiusScale * Float(4 + index % 5),
                thresholds: ThresholdPair(device: device, edge: edge)
            )
        }
        table.clusters[k - 1].centroid = table.clusters[3].centroid
        table.novel = ThresholdPair(device: 0.97, edge: 0.9)
        table.objective = .standard
        table.latencyRefMs = 900
        table.reprefillMsPer1kTokens = [40, 15, 5]
        return table
    }

    /// The float64 reference of docs/design.md §3, written apart from the router: squared distances summed in order,
    /// ties to the lowest index; novel iff the distance exceeds `radius2`; then the tier rule with the switch
    /// margin. Returns nil when a query is too close to a boundary for float32 and float64 to be sure to agree
    /// (a distance within 5% of the radius, a score within 0.002 of a threshold, a near-tie it was not made for).
    static func reference(_ vector: RouteVector, table: ThresholdTable, nearTieAllowed: Bool) -> RouteVector? {
        let distances: [Double] = table.clusters.map { cluster in
            var sum = 0.0
            for (value, mean) in zip(vector.x, cluster.centroid) {
                let difference = Double(value) - Double(mean)
                sum += difference * difference
            }
            return sum
        }
        var best = 0
        for index in distances.indices where distances[index] < distances[best] { best = index }
        let nearest = distances[best]
        for (index, distance) in distances.enumerated() where index != best && distance != nearest {
            if !nearTieAllowed && abs(distance - nearest) < 1e-3 * max(1, nearest) { return nil }
        }
        let radius = Double(table.clusters[best].radius2)
        guard abs(nearest - radius) > 0.05 * radius else { return nil }
        let isNovel = nearest > radius
        let thresholds = isNovel ? table.novel : table.clusters[best].thresholds
        let scale = table.objective.lambdaLatency / 1000 / table.latencyRefMs
        let tokens = Double(vector.turn?.contextTokens ?? 0)
        let marginDevice = scale * Double(table.reprefillMsPer1kTokens[0]) * tokens
        let marginEdge = scale * Double(table.reprefillMsPer1kTokens[1]) * tokens
        let pDevice = Double(vector.pDevice)
        let pEdge = Double(vector.pEdge)
        let boundaries = [
            (pDevice, Double(thresholds.device)), (pEdge, Double(thresholds.edge)),
            (pDevice, Double(thresholds.device) + marginDevice), (pEdge, Double(thresholds.edge) + marginEdge),
        ]
        guard boundaries.allSatisfy({ abs($0.0 - $0.1) >= 0.002 }) else { return nil }
        let plain: Tier =
            pDevice >= Double(thresholds.device) ? .device : (pEdge >= Double(thresholds.edge) ? .edge : .cloud)
        var tier = plain
        if let turn = vector.turn, plain < turn.previousTier {
            if pDevice >= Double(thresholds.device) + marginDevice {
                tier = .device
            } else if turn.previousTier > .edge, pEdge >= Double(thresholds.edge) + marginEdge {
                tier = .edge
            } else {
                tier = turn.previousTier
            }
        }
        var result = vector
        result.cluster = best
        result.isNovel = isNovel
        result.tier = tier
        return result
    }

    /// The queries: plain, novel, an exact tie, near-ties below float32 resolution, and multi-turn cases.
    func routeVectors(table: ThresholdTable, nearTies: [(Int, Int)] = Self.routeSet.nearTies) -> [RouteVector] {
        var generator = SplitMix64(seed: 77)
        let d = table.dimension
        let others = table.clusters.count - 1  // the last cluster is the tie copy of cluster 3
        var vectors: [RouteVector] = []
        func near(_ cluster: Int, _ spread: Float) -> [Float] {
            table.clusters[cluster].centroid.map { $0 + generator.float(-spread, spread) }
        }
        func keep(_ candidate: RouteVector, nearTie: Bool = false) -> Bool {
            guard let checked = Self.reference(candidate, table: table, nearTieAllowed: nearTie) else { return false }
            vectors.append(checked)
            return true
        }
        var count = 0
        while count < 24 {
            let candidate = RouteVector(
                name: "plain-\(count)",
                x: near(Int(generator.next() % UInt64(others)), 0.35),
                pDevice: generator.float(0, 1),
                pEdge: generator.float(0, 1)
            )
            if keep(candidate) { count += 1 }
        }
        count = 0
        while count < 6 {
            let candidate = RouteVector(
                name: "novel-\(count)",
                x: near(Int(generator.next() % UInt64(others)), 3),
                pDevice: generator.float(0.5, 1),
                pEdge: generator.float(0.5, 1)
            )
            if keep(candidate), vectors.last!.isNovel {
                count += 1
            } else if vectors.last?.name == candidate.name {
                vectors.removeLast()
            }
        }
        for index in 0..<2 {
            _ = keep(RouteVector(name: "exact-tie-\(index)", x: near(3, 0.2), pDevice: 0.3, pEdge: 0.95), nearTie: true)
        }
        // Near-ties: x on the bisector of two centroids, moved a few float32 ulps towards one of them.
        for (index, (a, b)) in nearTies.enumerated() {
            let ca = table.clusters[a].centroid
            let cb = table.clusters[b].centroid
            var x = (0..<d).map { (ca[$0] + cb[$0]) / 2 }
            let towards = index % 2 == 0 ? cb : ca
            for j in 0..<d where towards[j] != x[j] { x[j] = towards[j] > x[j] ? x[j].nextUp : x[j].nextDown }
            _ = keep(RouteVector(name: "near-tie-\(index)", x: x, pDevice: 0.1, pEdge: 0.1), nearTie: true)
        }
        // Multi-turn: the same query from each previous tier and context length.
        let turns: [(String, Tier, UInt32)] = [
            ("from-device", .device, 1_500), ("from-edge", .edge, 1_500), ("from-cloud", .cloud, 1_500),
            ("from-cloud-long", .cloud, 12_000), ("from-cloud-no-context", .cloud, 0),
        ]
        count = 0
        while count < 12 {
            let x = near(Int(generator.next() % UInt64(others)), 0.35)
            let pDevice = generator.float(0.3, 1)
            let pEdge = generator.float(0.3, 1)
            for (label, tier, tokens) in turns {
                _ = keep(
                    RouteVector(
                        name: "turn-\(count)-\(label)",
                        x: x,
                        pDevice: pDevice,
                        pEdge: pEdge,
                        turn: TurnContext(previousTier: tier, contextTokens: tokens)
                    )
                )
            }
            count += 1
        }
        return vectors
    }

    /// For a multi-turn query: whether the conversation stays on its tier, moves down, or moves up.
    static func movement(_ vector: RouteVector) -> String? {
        guard let previous = vector.turn?.previousTier else { return nil }
        return vector.tier == previous ? "stay" : (vector.tier < previous ? "de-escalate" : "escalate")
    }

    mutating func addRouteVectors(_ set: RouteSet = Self.routeSet) throws {
        let table = routeTable(set)
        let envelope = try self.envelope(table)
        add("tables/\(set.name).json", envelope)
        let vectors = routeVectors(table: table, nearTies: set.nearTies)
        try check(vectors, table: table, envelope: envelope, fingerprint: set.fingerprint)
        let movements = Set(vectors.compactMap(Self.movement))
        guard movements == ["stay", "de-escalate", "escalate"] else {
            throw ConformanceError("multi-turn cases cover only \(movements.sorted())")
        }
        let queries: [JSONValue] = vectors.map { vector in
            var query: [String: JSONValue] = [
                "name": .string(vector.name), "representation": .array(vector.x.map { JSONValue($0) }),
                "p_device": JSONValue(vector.pDevice), "p_edge": JSONValue(vector.pEdge),
                "expected": .object([
                    "cluster_index": .number(String(vector.cluster)),
                    "cluster_id": .number(String(table.clusters[vector.cluster].id)),
                    "novel": .bool(vector.isNovel), "tier": .string(vector.tier.description),
                ]),
            ]
            if let movement = Self.movement(vector) { query["movement"] = .string(movement) }
            query["turn"] =
                vector.turn.map { turn in
                    .object([
                        "previous_tier": .string(turn.previousTier.description),
                        "context_tokens": .number(String(turn.contextTokens)),
                    ])
                } ?? .null
            return .object(query)
        }
        add(
            "\(set.name).json",
            json(
                .object([
                    "format": .string("consroute-conformance/1"), "router": .string(set.router),
                    "table": .string("tables/\(set.name).json"), "dimension": .number(String(table.dimension)),
                    "queries": .array(queries),
                ])
            )
        )
    }

    /// The router must agree with the reference on every query, through `DeviceRouter.route` and on every
    /// kernel path this machine has.
    func check(_ vectors: [RouteVector], table: ThresholdTable, envelope: [UInt8], fingerprint: Fingerprint) throws {
        let router = try makeRouter(fingerprint: fingerprint)
        let ack = router.apply(envelope: envelope)
        guard ack.applied else { throw ConformanceError("route table rejected: \(ack.reason)") }
        let policy = RoutingPolicy(table: table)
        for vector in vectors {
            let routed = try router.route(
                representation: vector.x,
                pDevice: vector.pDevice,
                pEdge: vector.pEdge,
                turn: vector.turn
            )
            for kernel in RoutingKernel.supported {
                let decided = vector.x.withUnsafeBufferPointer {
                    policy.decide(
                        representation: $0,
                        pDevice: vector.pDevice,
                        pEdge: vector.pEdge,
                        turn: vector.turn,
                        kernel: kernel
                    )
                }
                let same =
                    decided.clusterIndex == routed.clusterIndex && decided.tier == routed.tier
                    && decided.isNovel == routed.isNovel
                guard same else {
                    throw ConformanceError("\(vector.name): \(kernel) decided \(decided), route \(routed)")
                }
            }
            guard routed.clusterIndex == vector.cluster, routed.isNovel == vector.isNovel, routed.tier == vector.tier
            else {
                throw ConformanceError("\(vector.name): router says \(routed), reference \(vector)")
            }
        }
    }
}
