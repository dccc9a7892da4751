import ConsRouteStore
import Testing

@Suite("Dead-letter outbox and replay offsets")
struct DeadLetterOutboxTests {
    private func letter(_ offset: Int64, code: String = "malformed") -> DeadLetterRecord {
        DeadLetterRecord(
            sourceTopic: "consroute.telemetry",
            sourcePartition: 0,
            sourceOffset: offset,
            reasonCode: code,
            reason: "malformed message: truncated",
            contentType: nil,
            value: [1, 2, 3, UInt8(truncatingIfNeeded: offset)],
            recordedAt: 5
        )
    }

    private func offset(_ next: Int64, replay: Int64? = nil) -> ConsumerOffset {
        ConsumerOffset(group: "g", topic: "consroute.telemetry", partition: 0, nextOffset: next, replayOffset: replay)
    }

    @Test("dead letters are stored with the batch's offsets, read oldest first, and removed by sequence")
    func outbox() async throws {
        let store = try HistoryStore.inMemory()
        try await store.apply(IngestEffect(offsets: [offset(10)], deadLetters: [letter(3), letter(7)]))
        try await store.apply(IngestEffect(offsets: [offset(20)], deadLetters: [letter(15, code: "non_finite")]))
        let pending = try await store.pendingDeadLetters()
        #expect(pending.map(\.record.sourceOffset) == [3, 7, 15])
        #expect(pending.map(\.sequence) == pending.map(\.sequence).sorted())
        #expect(pending[2].record.reasonCode == "non_finite" && pending[0].record.value == [1, 2, 3, 3])
        try await store.removeDeadLetters(throughSequence: pending[1].sequence)
        #expect(try await store.pendingDeadLetters().map(\.record.sourceOffset) == [15])
        #expect(try await store.pendingDeadLetters(limit: 0).count == 1)
    }

    @Test("a batch whose offsets were already applied stores none of its dead letters")
    func atomic() async throws {
        let store = try HistoryStore.inMemory()
        try await store.apply(IngestEffect(offsets: [offset(10)], deadLetters: [letter(3)]))
        await #expect(throws: HistoryStoreError.self) {
            try await store.apply(IngestEffect(offsets: [offset(10)], deadLetters: [letter(3)]))
        }
        #expect(try await store.pendingDeadLetters().count == 1)
        await #expect(throws: HistoryStoreError.self) {
            try await store.apply(IngestEffect(offsets: [offset(30)], deadLetters: [letter(-1)]))
        }
        #expect(try await store.storedOffsets(group: "g", topic: "consroute.telemetry") == [0: 10])
    }

    @Test("replay offsets are stored, kept when a batch does not move them, and validated")
    func replayOffsets() async throws {
        let store = try HistoryStore.inMemory()
        try await store.apply(IngestEffect(offsets: [offset(10, replay: 0)]))
        try await store.apply(IngestEffect(offsets: [offset(20)]))
        var stored = try await store.storedConsumerOffsets(group: "g", topic: "consroute.telemetry")
        #expect(stored[0]?.nextOffset == 20 && stored[0]?.replayOffset == 0)
        try await store.apply(IngestEffect(offsets: [offset(30, replay: 12)]))
        stored = try await store.storedConsumerOffsets(group: "g", topic: "consroute.telemetry")
        #expect(stored[0]?.replayOffset == 12)
        await #expect(throws: HistoryStoreError.self) {
            try await store.apply(IngestEffect(offsets: [offset(40, replay: 41)]))
        }
    }
}
