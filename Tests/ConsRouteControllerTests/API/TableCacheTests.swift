import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import KafkaTestSupport
import NIOCore
import Testing

@Suite("TableCache")
struct TableCacheTests {
    @Test("an empty cache has no table and no watchers")
    func empty() async {
        let cache = TableCache()
        #expect(await cache.table(fleet: "fleet-a", device: nil) == nil)
        #expect(await cache.table(fleet: "fleet-a", device: "d-1") == nil)
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
        #expect(await cache.allFleets().isEmpty)
    }

    @Test("one table is served to every device; fleets are independent")
    func one() async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 3))
        #expect(await cache.table(fleet: "fleet-a", device: nil)?.version == 3)
        #expect(await cache.table(fleet: "fleet-a", device: "d-7")?.version == 3)
        #expect(await cache.table(fleet: "fleet-b", device: nil) == nil)
        try await cache.publish(Fixtures.signed(fleet: "fleet-b", version: 1))
        #expect(await cache.allFleets().map(\.fleet) == ["fleet-a", "fleet-b"])
    }

    @Test("the envelope is encoded once, byte for byte the signed envelope")
    func encodings() async throws {
        let signed = Fixtures.signed(version: 2)
        let published = try await TableCache().publish(signed)
        #expect(Array(published.envelope.readableBytesView) == signed.envelopeBytes())
        let frame = String(buffer: published.streamFrame.event)
        #expect(frame == "event: table\nid: 2\ndata: \(signed.envelopeString())\n\n")
    }

    @Test("versions strictly increase per fleet: equal and lower ones are rejected, across stages")
    func ordering() async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 5))
        for (version, stage) in [(5, Rollout.Stage.active), (4, .active), (5, .canary), (1, .canary)] {
            await #expect(
                throws: TableCacheError.versionNotIncreasing(fleet: "fleet-a", version: UInt64(version), latest: 5)
            ) {
                try await cache.publish(Fixtures.signed(version: UInt64(version), stage: stage, percent: 50, salt: "s"))
            }
        }
        #expect(await cache.table(fleet: "fleet-a", device: nil)?.version == 5)
        try await cache.publish(Fixtures.signed(version: 6, stage: .canary, percent: 50, salt: "s"))
        await #expect(throws: TableCacheError.self) { try await cache.publish(Fixtures.signed(version: 6)) }
        try await cache.publish(Fixtures.signed(version: 7))
    }

    @Test("a canary goes to its cohort only and is dropped by a newer active table")
    func canary() async throws {
        let cache = TableCache()
        let inside = Fixtures.device(salt: "salt-1", percent: 20, inCohort: true)
        let outside = Fixtures.device(salt: "salt-1", percent: 20, inCohort: false)
        try await cache.publish(Fixtures.signed(version: 1))
        try await cache.publish(Fixtures.signed(version: 2, stage: .canary, percent: 20, salt: "salt-1"))
        #expect(await cache.table(fleet: "fleet-a", device: inside)?.version == 2)
        #expect(await cache.table(fleet: "fleet-a", device: outside)?.version == 1)
        #expect(await cache.table(fleet: "fleet-a", device: nil)?.version == 1)
        #expect(await cache.tables(fleet: "fleet-a").canary?.version == 2)
        try await cache.publish(Fixtures.signed(version: 3))
        #expect(await cache.table(fleet: "fleet-a", device: inside)?.version == 3)
        #expect(await cache.tables(fleet: "fleet-a").canary == nil)
    }

    @Test("seeded random publish sequences: the cache holds the newest active and the newest later canary")
    func randomSequences() async throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<20 {
            let cache = TableCache()
            var version: UInt64 = 0
            var active: UInt64?
            var canary: UInt64?
            for _ in 0..<(1 + Int(generator.next() % 12)) {
                version += 1 + generator.next() % 3
                let isCanary = generator.next() % 3 == 0
                try await cache.publish(
                    Fixtures.signed(version: version, stage: isCanary ? .canary : .active, percent: 30, salt: "x")
                )
                if isCanary { canary = version } else { (active, canary) = (version, nil) }
                let stale = 1 + generator.next() % version
                await #expect(throws: TableCacheError.self) { try await cache.publish(Fixtures.signed(version: stale)) }
            }
            let tables = await cache.tables(fleet: "fleet-a")
            #expect(tables.active?.version == active)
            #expect(tables.canary?.version == canary)
            #expect(tables.latestVersion == version)
        }
    }

    @Test("watch answers at once when the caller is stale")
    func watchStale() async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 4))
        #expect(try await cache.watch(fleet: "fleet-a", device: nil, after: 0).version == 4)
        #expect(try await cache.watch(fleet: "fleet-a", device: nil, after: 3).version == 4)
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
    }

    @Test("watch parks until the next publish, and a timeout gives nil")
    func watchParks() async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 1))
        #expect(try await cache.watch(fleet: "fleet-a", device: nil, after: 1, timeout: .milliseconds(20)) == nil)
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
        let waiter = Task { try await cache.watch(fleet: "fleet-a", device: nil, after: 1) }
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 1 }
        try await cache.publish(Fixtures.signed(version: 2))
        #expect(try await waiter.value.version == 2)
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
    }

    @Test("a canary for another cohort does not wake a device; the next active table does")
    func watchCohort() async throws {
        let cache = TableCache()
        let outside = Fixtures.device(salt: "s", percent: 10, inCohort: false)
        try await cache.publish(Fixtures.signed(version: 1))
        let waiter = Task { try await cache.watch(fleet: "fleet-a", device: outside, after: 1) }
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 1 }
        try await cache.publish(Fixtures.signed(version: 2, stage: .canary, percent: 10, salt: "s"))
        #expect(await cache.watcherCount(fleet: "fleet-a") == 1)
        try await cache.publish(Fixtures.signed(version: 3))
        #expect(try await waiter.value.version == 3)
    }

    @Test("one publish wakes every one of many concurrent watchers", arguments: [1, 2, 2_000])
    func manyWatchers(count: Int) async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 1))
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<count {
                group.addTask { try await cache.watch(fleet: "fleet-a", device: "d-\(index)", after: 1).version }
            }
            try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == count }
            try await cache.publish(Fixtures.signed(version: 2))
            var woken = 0
            for try await version in group {
                #expect(version == 2)
                woken += 1
            }
            #expect(woken == count)
        }
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
    }

    @Test("a pulse wakes watchUntilPulse with nil and leaves watch parked")
    func pulse() async throws {
        let cache = TableCache()
        try await cache.publish(Fixtures.signed(version: 1))
        let pulsed = Task { try await cache.watchUntilPulse(fleet: "fleet-a", device: nil, after: 1) }
        let waiting = Task { try await cache.watch(fleet: "fleet-a", device: nil, after: 1) }
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 2 }
        await cache.pulse()
        #expect(try await pulsed.value == nil)
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 1 }
        try await cache.publish(Fixtures.signed(version: 2))
        #expect(try await waiting.value.version == 2)
    }

    @Test("cancelling a parked watcher throws CancellationError and removes it")
    func cancellation() async throws {
        let cache = TableCache()
        let waiter = Task { try await cache.watch(fleet: "fleet-a", device: nil, after: 0) }
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        try await waitForCondition { await cache.watcherCount(fleet: "fleet-a") == 0 }
        try await cache.publish(Fixtures.signed(version: 1))
    }

    @Test("a watch started in a cancelled task throws at once")
    func cancelledBeforeParking() async throws {
        let cache = TableCache()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await cache.watch(fleet: "fleet-a", device: nil, after: 0)
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await cache.watcherCount(fleet: "fleet-a") == 0)
    }
}
