import ConsRouteModel
import ConsRouteStore
import Foundation
import Testing

/// Records shared between replicas' histories (docs/design.md §9): what the owner records reaches the outbox in the
/// same transaction, survives encoding, and another history applies it once, exactly as the owner stored it.
@Suite("History changes between replicas")
struct HistoryChangeTests {
    /// Records every kind in an owner's history and returns the owner.
    private func ownerWithEveryKind() async throws -> HistoryStore {
        let owner = try HistoryStore.inMemory(sharesChanges: true)
        try await owner.recordDriftEvent(Sample.driftEvent(id: "phones/drift/1"))
        try await owner.recordReclusterRun(Sample.reclusterRun(id: "phones/run/1/recluster"))
        try await owner.recordOptimiserRun(
            Sample.optimiserRun(id: "phones/run/1/cluster/2"),
            trials: (0..<5).map {
                OptimiserTrialRecord(iteration: $0, tDevice: 0.1 * Double($0), tEdge: 0.5, objective: 0.3 + Double($0))
            }
        )
        try await owner.recordTuningDecision(Sample.decision(runID: "phones/run/1"))
        try await owner.recordRolloutEvent(Sample.rollout(canary: 5, step: .started))
        try await owner.recordRolloutEvent(Sample.rollout(canary: 5, step: .promoted, decidedAt: 2_000))
        return owner
    }

    @Test("every record reaches the outbox; applied elsewhere it reads back the same, once")
    func roundTrip() async throws {
        let owner = try await ownerWithEveryKind()
        let pending = try await owner.pendingChanges(limit: 100)
        #expect(pending.map(\.fleet) == Array(repeating: "phones", count: 6))
        #expect(zip(pending, pending.dropFirst()).allSatisfy { $0.sequence < $1.sequence })

        let replica = try makeStore()
        for change in pending {
            #expect(try await replica.apply(HistoryChange(decoding: change.encoded)))
        }
        // Read again (a restart reads the topic from its beginning): nothing changes.
        for change in pending {
            #expect(try await !replica.apply(HistoryChange(decoding: change.encoded)))
        }
        let all = HistoryQuery()
        #expect(try await replica.driftEvents(all) == owner.driftEvents(all))
        #expect(try await replica.reclusterRuns(all) == owner.reclusterRuns(all))
        #expect(try await replica.optimiserRuns(all) == owner.optimiserRuns(all))
        #expect(
            try await replica.optimiserTrials(runID: "phones/run/1/cluster/2")
                == owner.optimiserTrials(runID: "phones/run/1/cluster/2")
        )
        #expect(try await replica.tuningDecisions(all) == owner.tuningDecisions(all))
        #expect(try await replica.rolloutEvents(all) == owner.rolloutEvents(all))
        // A history that does not share writes no outbox; the owner's outbox empties as the topic takes it.
        #expect(try await replica.pendingChanges().isEmpty)
        try await owner.removeChanges(throughSequence: pending[2].sequence)
        #expect(try await owner.pendingChanges().map(\.sequence) == pending.dropFirst(3).map(\.sequence))
    }

    @Test("a record that fails its own recording leaves nothing in the outbox")
    func failedRecordNotShared() async throws {
        let owner = try HistoryStore.inMemory(sharesChanges: true)
        try await owner.recordDriftEvent(Sample.driftEvent(id: "d1"))
        await #expect(throws: HistoryStoreError.self) {
            try await owner.recordDriftEvent(Sample.driftEvent(id: "d1"))
        }
        #expect(try await owner.pendingChanges().count == 1)
    }

    @Test("the outbox wakes its forwarder when a record is shared (also one written before it waits), not otherwise")
    func outboxWakesItsWaiter() async throws {
        let owner = try HistoryStore.inMemory(sharesChanges: true)
        func waited(_ bound: Duration) async -> Duration {
            let start = ContinuousClock.now
            await owner.waitForOutbox(atMost: bound)
            return ContinuousClock.now - start
        }
        // Nothing written: the wait lasts its bound.
        #expect(await waited(.milliseconds(300)) >= .milliseconds(250))
        // Written while nobody waited: the next wait returns at once.
        try await owner.recordDriftEvent(Sample.driftEvent(id: "d1"))
        #expect(await waited(.seconds(30)) < .seconds(5))
        // Written during a wait: it ends the wait.
        let start = ContinuousClock.now
        async let wait: Void = owner.waitForOutbox(atMost: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        try await owner.recordDriftEvent(Sample.driftEvent(id: "d2"))
        await wait
        #expect(ContinuousClock.now - start < .seconds(5))
        // A record that fails (its transaction rolls back) writes nothing to the outbox and wakes nobody.
        await #expect(throws: HistoryStoreError.self) { try await owner.recordDriftEvent(Sample.driftEvent(id: "d2")) }
        #expect(await waited(.milliseconds(300)) >= .milliseconds(250))
    }

    @Test("hostile or foreign records are refused with a reason, and write nothing")
    func hostile() async throws {
        let owner = try await ownerWithEveryKind()
        let drift = try HistoryChange(decoding: try #require(try await owner.pendingChanges().first).encoded)
        let replica = try makeStore()
        var row = try #require(drift.rows["drift_event"]?.first)

        // A column this schema does not have (an injection attempt in its name).
        var injected = row
        injected["statistic\"); DROP TABLE drift_event; --"] = .integer(1)
        await #expect(throws: HistoryStoreError.self) {
            try await replica.apply(
                HistoryChange(kind: .driftEvent, fleet: "phones", rows: ["drift_event": [injected]])
            )
        }
        // A table the kind does not write.
        await #expect(throws: HistoryStoreError.self) {
            try await replica.apply(
                HistoryChange(
                    kind: .driftEvent,
                    fleet: "phones",
                    rows: ["drift_event": [row], "threshold_table": [row]]
                )
            )
        }
        // The row's fleet is not the record's.
        await #expect(throws: HistoryStoreError.self) {
            try await replica.apply(HistoryChange(kind: .driftEvent, fleet: "tablets", rows: ["drift_event": [row]]))
        }
        // A value the schema's checks refuse.
        row["id"] = .text("")
        await #expect(throws: HistoryStoreError.self) {
            try await replica.apply(HistoryChange(kind: .driftEvent, fleet: "phones", rows: ["drift_event": [row]]))
        }
        // Not a record at all, and a record of another format.
        #expect(throws: HistoryStoreError.self) { try HistoryChange(decoding: Array("{".utf8)) }
        #expect(throws: HistoryStoreError.self) {
            try HistoryChange(decoding: Array(#"{"format":2,"kind":"drift_event","fleet":"p","rows":{}}"#.utf8))
        }
        #expect(try await replica.driftEvents(HistoryQuery()).isEmpty)
    }

    @Test("values keep their type: whole reals, infinities, large integers, text that looks like a number, blobs")
    func values() throws {
        let values: [HistoryChange.Value] = [
            .null, .integer(Int64.max), .integer(-1), .real(2.0), .real(0.1), .real(.infinity), .real(-.infinity),
            .text("12"), .text(""), .blob([0, 255, 7]),
        ]
        let change = HistoryChange(
            kind: .driftEvent,
            fleet: "phones",
            rows: [
                "drift_event": [
                    Dictionary(uniqueKeysWithValues: values.enumerated().map { ("c\($0.offset)", $0.element) })
                ]
            ]
        )
        let decoded = try HistoryChange(decoding: try change.encoded())
        let row = try #require(decoded.rows["drift_event"]?.first)
        for (index, value) in values.enumerated() {
            switch (value, row["c\(index)"]) {
            // JSON has one number type: a whole real reads back as an integer, which a REAL column stores as a real.
            case (.real(2.0), .integer(2)?): continue
            default: #expect(row["c\(index)"] == value, "c\(index)")
            }
        }
    }
}
