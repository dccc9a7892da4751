import ConsRouteStore
import Testing

@Suite("Ingest effects")
struct IngestTests {
    private let group = "controller"
    private let topic = "consroute.telemetry"

    @Test("an empty effect changes nothing and nothing is stored before any batch")
    func emptyEffect() async throws {
        let store = try makeStore()
        try await store.apply(IngestEffect())
        #expect(try await store.storedOffsets(group: group, topic: topic).isEmpty)
        #expect(try await store.statistics(HistoryQuery()).isEmpty)
        #expect(try await store.acknowledgements(fleet: "phones").isEmpty)
    }

    @Test("one effect stores its statistics, acknowledgements and offsets")
    func oneEffect() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(
                statistics: [Sample.delta(events: 4, shadows: 1)],
                acknowledgements: [AcknowledgementDelta(fleet: "phones", version: 2, outcome: .applied, count: 3)],
                offsets: [Sample.offset(next: 4)]
            )
        )
        #expect(try await store.statisticsBuckets(HistoryQuery()) == [Sample.delta(events: 4, shadows: 1)])
        #expect(try await store.storedOffsets(group: group, topic: topic) == [0: 4])
        #expect(
            try await store.acknowledgements(fleet: "phones")
                == [AcknowledgementCounts(fleet: "phones", version: 2, applied: 3, rejectedByReason: [:])]
        )
    }

    @Test("deltas to the same bucket accumulate, within one effect and across effects")
    func deltasAccumulate() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(statistics: [Sample.delta(events: 2, shadows: 1), Sample.delta(events: 3, shadows: 0)])
        )
        try await store.apply(IngestEffect(statistics: [Sample.delta(events: 5, shadows: 2)]))
        #expect(try await store.statisticsBuckets(HistoryQuery()) == [Sample.delta(events: 10, shadows: 3)])
    }

    @Test("an effect with more deltas than one statement carries adds every one, repeated keys included")
    func manyDeltasInOneEffect() async throws {
        let store = try makeStore()
        let deltas = (0..<150).map { Sample.delta(cluster: UInt32($0 % 10), events: 1) }
        try await store.apply(IngestEffect(statistics: deltas, offsets: [Sample.offset(next: 150)]))
        let buckets = try await store.statisticsBuckets(HistoryQuery())
        #expect(buckets.count == 10)
        #expect(buckets.allSatisfy { $0.sums == Sample.delta(events: 15).sums })
    }

    @Test("acknowledgements add up per version, rejections per reason")
    func acknowledgementCounts() async throws {
        let store = try makeStore()
        let deltas = [
            AcknowledgementDelta(fleet: "phones", version: 1, outcome: .applied, count: 5),
            AcknowledgementDelta(fleet: "phones", version: 2, outcome: .applied, count: 7),
            AcknowledgementDelta(
                fleet: "phones",
                version: 2,
                outcome: .rejected(reason: "fingerprint mismatch"),
                count: 2
            ),
            AcknowledgementDelta(fleet: "phones", version: 2, outcome: .rejected(reason: "bad signature"), count: 1),
            AcknowledgementDelta(
                fleet: "phones",
                version: 2,
                outcome: .rejected(reason: "fingerprint mismatch"),
                count: 1
            ),
            AcknowledgementDelta(fleet: "watches", version: 2, outcome: .applied, count: 9),
        ]
        try await store.apply(IngestEffect(acknowledgements: deltas))
        let counts = try await store.acknowledgements(fleet: "phones")
        #expect(counts.map(\.version) == [2, 1])
        #expect(counts[0].applied == 7)
        #expect(counts[0].rejectedByReason == ["fingerprint mismatch": 3, "bad signature": 1])
        #expect(counts[0].rejected == 4)
        #expect(counts[0].appliedShare == 7.0 / 11.0)
        #expect(counts[1] == AcknowledgementCounts(fleet: "phones", version: 1, applied: 5, rejectedByReason: [:]))
        #expect(try await store.acknowledgements(fleet: "phones", version: 1).map(\.applied) == [5])
    }

    @Test("offsets move forward per partition, and are kept per group and topic")
    func offsetsMoveForward() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(offsets: [Sample.offset(partition: 0, next: 10), Sample.offset(partition: 1, next: 3)])
        )
        try await store.apply(IngestEffect(offsets: [Sample.offset(partition: 1, next: 8)]))
        try await store.apply(
            IngestEffect(offsets: [ConsumerOffset(group: "other", topic: topic, partition: 0, nextOffset: 1)])
        )
        try await store.apply(
            IngestEffect(offsets: [ConsumerOffset(group: group, topic: "consroute.acks", partition: 0, nextOffset: 2)])
        )
        #expect(try await store.storedOffsets(group: group, topic: topic) == [0: 10, 1: 8])
        #expect(try await store.storedOffsets(group: "other", topic: topic) == [0: 1])
        #expect(try await store.storedOffsets(group: group, topic: "consroute.acks") == [0: 2])
    }

    @Test("an offset going backwards rolls back the whole batch, written statistics and acks included")
    func backwardOffsetIsAtomic() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(statistics: [Sample.delta(events: 1)], offsets: [Sample.offset(partition: 0, next: 10)])
        )
        let replay = IngestEffect(
            statistics: [Sample.delta(events: 1), Sample.delta(cluster: 4, events: 2)],
            acknowledgements: [AcknowledgementDelta(fleet: "phones", version: 1, outcome: .applied, count: 1)],
            offsets: [Sample.offset(partition: 1, next: 5), Sample.offset(partition: 0, next: 9)]
        )
        await #expect(
            throws: HistoryStoreError.offsetNotAdvanced(
                group: group,
                topic: topic,
                partition: 0,
                stored: 10,
                proposed: 9
            )
        ) {
            try await store.apply(replay)
        }
        #expect(try await store.statisticsBuckets(HistoryQuery()) == [Sample.delta(events: 1)])
        #expect(try await store.storedOffsets(group: group, topic: topic) == [0: 10])
        #expect(try await store.acknowledgements(fleet: "phones").isEmpty)
    }

    @Test("applying the same batch twice is refused the second time and counts once")
    func sameBatchTwice() async throws {
        let store = try makeStore()
        let batch = IngestEffect(statistics: [Sample.delta(events: 3)], offsets: [Sample.offset(next: 3)])
        try await store.apply(batch)
        await #expect(
            throws: HistoryStoreError.offsetNotAdvanced(
                group: group,
                topic: topic,
                partition: 0,
                stored: 3,
                proposed: 3
            )
        ) {
            try await store.apply(batch)
        }
        #expect(try await store.statisticsBuckets(HistoryQuery()) == [Sample.delta(events: 3)])
    }

    @Test("an invalid row anywhere in the batch leaves statistics and offsets unchanged, and is named")
    func invalidRowIsAtomic() async throws {
        let store = try makeStore()
        var notFinite = Sample.delta(cluster: 2, events: 1)
        notFinite.sums.latencySum = .infinity
        var tooManyShadows = Sample.delta(cluster: 2, events: 1)
        tooManyShadows.sums.shadowCount = 2
        let cases: [(IngestEffect, String)] = [
            (
                IngestEffect(statistics: [Sample.delta(events: 1), notFinite], offsets: [Sample.offset(next: 2)]),
                "statistics[1].sums.latencySum"
            ),
            (
                IngestEffect(statistics: [Sample.delta(events: 1), tooManyShadows], offsets: [Sample.offset(next: 2)]),
                "statistics[1].sums.shadowCount"
            ),
            (
                IngestEffect(
                    statistics: [Sample.delta(events: 1)],
                    acknowledgements: [AcknowledgementDelta(fleet: "phones", version: 0, outcome: .applied, count: 1)]
                ),
                "acknowledgements[0].version"
            ),
            (
                IngestEffect(
                    statistics: [Sample.delta(events: 1)],
                    offsets: [Sample.offset(next: 2), Sample.offset(next: -1)]
                ),
                "offsets[1].nextOffset"
            ),
        ]
        for (effect, field) in cases {
            await #expect {
                try await store.apply(effect)
            } throws: { error in
                guard case .invalidField(let named, _) = error as? HistoryStoreError else { return false }
                return named == field
            }
        }
        #expect(try await store.statisticsBuckets(HistoryQuery()).isEmpty)
        #expect(try await store.storedOffsets(group: group, topic: topic).isEmpty)
    }

    @Test("folding events with StatisticsSums gives counts, sums and means")
    func foldingEvents() {
        var sums = StatisticsSums()
        #expect(sums.meanLatencyMs == nil && sums.meanServedScore == nil)
        sums.add(latencyMs: 10, cost: 1, servedScore: nil)
        sums.add(latencyMs: 30, cost: 3, servedScore: 0.5)
        #expect(
            sums
                == StatisticsSums(
                    eventCount: 2,
                    shadowCount: 1,
                    latencySum: 40,
                    latencySquareSum: 1_000,
                    costSum: 4,
                    costSquareSum: 10,
                    servedScoreSum: 0.5,
                    servedScoreSquareSum: 0.25
                )
        )
        #expect(sums.meanLatencyMs == 20 && sums.meanCost == 2 && sums.meanServedScore == 0.5)
    }
}
