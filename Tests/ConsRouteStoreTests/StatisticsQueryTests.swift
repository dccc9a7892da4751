import ConsRouteModel
import ConsRouteStore
import Testing

@Suite("Statistics queries")
struct StatisticsQueryTests {
    @Test("summaries add up buckets per fleet, cluster and tier over a bucket range, tiers in capability order")
    func summaries() async throws {
        let store = try makeStore()
        var deltas: [WindowStatisticsBucket] = []
        for bucket in Int64(0)..<4 {
            for tier in Tier.allCases {
                deltas.append(Sample.delta(cluster: 1, tier: tier, bucketStart: bucket * 60_000, events: 2, shadows: 1))
            }
            deltas.append(Sample.delta(fleet: "watches", cluster: 0, bucketStart: bucket * 60_000, events: 1))
        }
        try await store.apply(IngestEffect(statistics: deltas))
        let phones = try await store.statistics(HistoryQuery(fleet: "phones", since: 60_000, until: 180_000))
        #expect(phones.map(\.tier) == [.device, .edge, .cloud])
        for summary in phones {
            #expect(summary.cluster == 1 && summary.bucketCount == 2)
            #expect(summary.firstBucketStart == 60_000 && summary.lastBucketStart == 120_000)
            #expect(summary.sums == Sample.delta(events: 4, shadows: 2).sums)
        }
        let all = try await store.statistics(HistoryQuery())
        #expect(all.map(\.fleet) == ["phones", "phones", "phones", "watches"])
        #expect(all.last?.sums.eventCount == 4)
        #expect(try await store.statistics(HistoryQuery(since: 1_000_000)).isEmpty)
    }

    @Test("buckets list newest first and honour the limit")
    func buckets() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(statistics: (0..<5).map { Sample.delta(bucketStart: Int64($0) * 1_000, events: 1) })
        )
        let newest = try await store.statisticsBuckets(HistoryQuery(fleet: "phones", limit: 2))
        #expect(newest.map(\.bucketStart) == [4_000, 3_000])
    }

    @Test("random deltas applied in random batches add up to the totals of all deltas (seeded)")
    func randomBatchesAddUp() async throws {
        for seed in UInt64(1)...3 {
            var random = SeededGenerator(seed: seed)
            let store = try makeStore()
            var expected: [String: StatisticsSums] = [:]
            var pending: [WindowStatisticsBucket] = []
            var offset: Int64 = 0
            for _ in 0..<400 {
                let cluster = UInt32(random.next() % 4)
                let tier = Tier.allCases[Int(random.next() % 3)]
                var sums = StatisticsSums()
                for _ in 0..<Int(random.next() % 5) {
                    let shadow = random.next() % 3 == 0
                    sums.add(
                        latencyMs: random.nextUnit() * 200,
                        cost: random.nextUnit(),
                        servedScore: shadow ? random.nextUnit() : nil,
                        cloud: shadow ? (random.nextUnit(), random.nextUnit() * 900, random.nextUnit()) : nil
                    )
                }
                pending.append(
                    WindowStatisticsBucket(fleet: "phones", cluster: cluster, tier: tier, bucketStart: 0, sums: sums)
                )
                expected["\(cluster)/\(tier)", default: StatisticsSums()].merge(sums)
                offset += 1
                if random.next() % 7 == 0 {
                    try await store.apply(IngestEffect(statistics: pending, offsets: [Sample.offset(next: offset)]))
                    pending = []
                }
            }
            if !pending.isEmpty {
                try await store.apply(IngestEffect(statistics: pending, offsets: [Sample.offset(next: offset)]))
            }
            let summaries = try await store.statistics(HistoryQuery(fleet: "phones"))
            #expect(summaries.count == expected.count)
            for summary in summaries {
                let want = try #require(expected["\(summary.cluster)/\(summary.tier)"])
                #expect(summary.sums.eventCount == want.eventCount)
                #expect(summary.sums.shadowCount == want.shadowCount)
                #expect(abs(summary.sums.latencySum - want.latencySum) <= 1e-9 * max(1, want.latencySum))
                #expect(abs(summary.sums.servedScoreSum - want.servedScoreSum) <= 1e-9 * max(1, want.servedScoreSum))
            }
            #expect(try await store.storedOffsets(group: "controller", topic: "consroute.telemetry") == [0: 400])
        }
    }
}
