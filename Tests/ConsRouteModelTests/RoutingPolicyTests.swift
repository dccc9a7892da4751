import ConsRouteModel
import Testing

@Suite("The routing rule")
struct RoutingPolicyTests {
    /// Brute-force float64 nearest centroid, ties to the lowest index.
    private func referenceNearest(_ x: [Float], _ table: ThresholdTable) -> Int {
        var best = Double.infinity
        var bestIndex = 0
        for (index, cluster) in table.clusters.enumerated() {
            let distance = zip(x, cluster.centroid).reduce(0.0) {
                $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1))
            }
            if distance < best {
                best = distance
                bestIndex = index
            }
        }
        return bestIndex
    }

    @Test("nearest centroid equals the float64 argmin", arguments: [(64, 16), (7, 3), (33, 40), (1, 2), (128, 17)])
    func nearest(dimension: Int, clusters: Int) {
        var generator = SeededGenerator(seed: UInt64(dimension * 1000 + clusters))
        let table = Fixtures.table(seed: UInt64(clusters), dimension: dimension, clusters: clusters)
        let policy = RoutingPolicy(table: table)
        for _ in 0..<2_000 {
            let x = (0..<dimension).map { _ in Float.random(in: -1.2...1.2, using: &generator) }
            let (index, distance2) = x.withUnsafeBufferPointer { policy.nearestCluster($0) }
            #expect(index == referenceNearest(x, table))
            let exact = zip(x, table.clusters[index].centroid).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            #expect(abs(distance2 - exact) <= 1e-3 * max(1, exact))
        }
    }

    @Test("exact ties go to the lowest index, also across blocks of 16")
    func ties() {
        var table = Fixtures.table(dimension: 4, clusters: 20)
        table.clusters[18].centroid = table.clusters[5].centroid
        table.clusters[7].centroid = table.clusters[5].centroid
        let policy = RoutingPolicy(table: table)
        let index = table.clusters[5].centroid.withUnsafeBufferPointer { policy.nearestCluster($0).index }
        #expect(index == 5)
    }

    @Test("near-ties below float32 resolution are settled exactly")
    func nearTies() {
        var table = Fixtures.table(dimension: 2, clusters: 2)
        table.clusters[0].centroid = [1_000, 0]
        table.clusters[1].centroid = [-1_000, 0.001]
        let policy = RoutingPolicy(table: table)
        // x is 0.0005 closer (in squared distance ~0.0005) to cluster 1 than to cluster 0 at this scale.
        let x: [Float] = [0, 0.001]
        #expect(x.withUnsafeBufferPointer { policy.nearestCluster($0).index } == referenceNearest(x, table))
    }

    @Test("a near-tie in the same lane of two blocks is settled exactly, either way round")
    func nearTieSameLaneAcrossBlocks() {
        // Clusters 3 and 19 share lane 3 of blocks 0 and 1: the kernel sees them only through that lane's
        // smallest and second-smallest score, so a near-tie there must still go to the exact path.
        for (near, far) in [(3, 19), (19, 3)] {
            var table = Fixtures.table(dimension: 2, clusters: 20)
            for index in table.clusters.indices { table.clusters[index].centroid = [Float(index) * 100, 500] }
            table.clusters[near].centroid = [1_000, 0.001]
            table.clusters[far].centroid = [1_000, 0]
            let policy = RoutingPolicy(table: table)
            let x: [Float] = [1_000, 0.0006]
            let index = x.withUnsafeBufferPointer { policy.nearestCluster($0).index }
            #expect(index == referenceNearest(x, table))
            #expect(index == near)
        }
    }

    @Test("the two-threshold rule, novelty and staleness")
    func tierRule() {
        var table = Fixtures.table(dimension: 2, clusters: 1)
        table.clusters[0].centroid = [0, 0]
        table.clusters[0].radius2 = 1
        table.clusters[0].thresholds = ThresholdPair(device: 0.6, edge: 0.5)
        table.novel = ThresholdPair(device: 0.95, edge: 0.9)
        let policy = RoutingPolicy(table: table)
        func tier(_ x: [Float], _ pDevice: Float, _ pEdge: Float, stale: Bool = false) -> Tier {
            x.withUnsafeBufferPointer {
                policy.decide(representation: $0, pDevice: pDevice, pEdge: pEdge, stale: stale).tier
            }
        }
        #expect(tier([0.1, 0], 0.6, 0) == .device)  // >= is inclusive
        #expect(tier([0.1, 0], 0.59, 0.5) == .edge)
        #expect(tier([0.1, 0], 0.59, 0.49) == .cloud)
        #expect(tier([2, 0], 0.9, 0.89) == .cloud)  // novel: conservative thresholds
        #expect(tier([2, 0], 0.96, 0) == .device)
        #expect(tier([0.1, 0], 0.9, 0.89, stale: true) == .cloud)
        let decision = [Float(2), 0].withUnsafeBufferPointer { policy.decide(representation: $0, pDevice: 0, pEdge: 0) }
        #expect(decision.isNovel && decision.distance2 == 4)
    }

    @Test("multi-turn switch margin: stay, de-escalate, escalate")
    func switchMargin() {
        var table = Fixtures.table(dimension: 1, clusters: 1)
        table.clusters[0].centroid = [0]
        table.clusters[0].radius2 = 10
        table.clusters[0].thresholds = ThresholdPair(device: 0.6, edge: 0.5)
        table.objective.lambdaLatency = 0.3
        table.latencyRefMs = 1_000
        table.reprefillMsPer1kTokens = [100, 50, 10]
        // Margin to move to the device with 2,000 tokens: 0.3 * 100 * 2 / 1000 = 0.06; to the edge: 0.03.
        let policy = RoutingPolicy(table: table)
        func tier(_ pDevice: Float, _ pEdge: Float, from previous: Tier, tokens: UInt32 = 2_000) -> Tier {
            [Float(0)].withUnsafeBufferPointer {
                policy.decide(
                    representation: $0,
                    pDevice: pDevice,
                    pEdge: pEdge,
                    turn: TurnContext(previousTier: previous, contextTokens: tokens)
                ).tier
            }
        }
        // Stay: the device clears its threshold but not the margin, so the conversation stays on the cloud.
        #expect(tier(0.62, 0.4, from: .cloud) == .cloud)
        // ...or moves to the edge when the edge clears its own margin.
        #expect(tier(0.62, 0.55, from: .cloud) == .edge)
        // De-escalate: clearing threshold + margin moves to the cheaper tier.
        #expect(tier(0.67, 0, from: .cloud) == .device)
        #expect(tier(0.67, 0, from: .edge) == .device)
        #expect(tier(0.62, 0.9, from: .edge) == .edge)
        // Without context there is no margin.
        #expect(tier(0.62, 0, from: .cloud, tokens: 0) == .device)
        // Escalate: never blocked.
        #expect(tier(0.1, 0.1, from: .device) == .cloud)
        #expect(tier(0.1, 0.55, from: .device) == .edge)
        // Staying where the rule already points.
        #expect(tier(0.9, 0.9, from: .device) == .device)
    }

    @Test("canary cohorts: FNV-1a known values, stable membership, about the configured share")
    func cohorts() {
        #expect(CanaryCohort.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(CanaryCohort.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(CanaryCohort.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        let devices = (0..<20_000).map { "device-\($0)" }
        let members = devices.filter { CanaryCohort.contains(deviceID: $0, salt: "r1", percent: 10) }
        #expect(abs(Double(members.count) / 20_000 - 0.10) < 0.01)
        #expect(members == devices.filter { CanaryCohort.contains(deviceID: $0, salt: "r1", percent: 10) })
        // Growing the percentage only adds devices.
        let larger = Set(devices.filter { CanaryCohort.contains(deviceID: $0, salt: "r1", percent: 25) })
        #expect(Set(members).isSubset(of: larger))
        #expect(!devices.contains { CanaryCohort.contains(deviceID: $0, salt: "r1", percent: 0) })
        #expect(devices.allSatisfy { CanaryCohort.contains(deviceID: $0, salt: "r1", percent: 100) })
        let otherSalt = devices.filter { CanaryCohort.contains(deviceID: $0, salt: "r2", percent: 10) }
        #expect(Set(otherSalt) != Set(members))
    }
}
