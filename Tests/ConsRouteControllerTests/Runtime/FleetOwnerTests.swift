import ConsRouteModel
import ConsRouteStore
import Dispatch
import Foundation
import KafkaTestSupport
import Logging
import Synchronization
import Testing

@testable import ConsRouteController
@testable import ConsRouteLoop

/// `FleetController` is the one owner of its fleet: actions run one at a time, and a tuning computed while an
/// operator published another table or paused the fleet is not published over it.
@Suite("One owner per fleet")
struct FleetOwnerTests {
    /// A fleet with its first table (v1) published, and a second controller of it whose tunings run on a queue
    /// the test suspends, so that a tuning stays in its computation until the test lets it go.
    private struct Harness {
        let fleet: String
        let store: HistoryStore
        let cache: TableCache
        let controller: FleetController
        let tuningQueue: DispatchQueue
        var stream: DriftingFleetStream
        let now: Int64

        init() async throws {
            let scenario = try ControllerScenario(bootstrapServers: nil)
            let settings = scenario.configuration.fleets[0]
            fleet = scenario.fleet
            store = try HistoryStore.inMemory()
            cache = TableCache()
            let publisher = TablePublisher.cacheOnly(store: store, cache: cache)
            var stream = DriftingFleetStream(fleet: scenario.fleet, seed: 44)
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            self.now = now
            let bootstrap = FleetController(
                loop: FleetLoop(settings: settings, current: nil, lastVersion: 0),
                publisher: publisher,
                store: store,
                metrics: nil,
                logger: Logger(label: "owner"),
                clock: { now }
            )
            try await bootstrap.ingest((0..<settings.bootstrapEvents).map { _ in stream.next() }, isReplay: false)
            let first = try #require(try await bootstrap.tick())
            #expect(first.table.version == 1)
            tuningQueue = DispatchQueue(label: "owner-test.tuning")
            controller = FleetController(
                loop: FleetLoop(settings: settings, current: first.table, lastVersion: 1, tuningQueue: tuningQueue),
                publisher: publisher,
                store: store,
                metrics: nil,
                logger: Logger(label: "owner"),
                clock: { now + 120_000 }
            )
            try await controller.ingest((0..<2_000).map { _ in stream.next() }, isReplay: false)
            self.stream = stream
        }

        /// Starts a tick whose tuning is held in its computation; returns once the tuning was taken.
        func startHeldTuning() async throws -> Task<SignedTable?, any Error> {
            try await controller.requestRetune()
            tuningQueue.suspend()
            let controller = controller
            let tick = Task { try await controller.tick() }
            try await waitUntil("the tuning taken", timeout: .seconds(30)) { controller.loop.snapshot.isTuning }
            return tick
        }
    }

    @Test("a rollback during a tuning is published, and the tuning's table is not published over it")
    func rollbackDuringTuning() async throws {
        var harness = try await Harness()
        let tick = try await harness.startHeldTuning()

        // The gate is free while the tuning computes: ingestion goes on, and the operator's rollback is published.
        try await harness.controller.ingest((0..<500).map { _ in harness.stream.next() }, isReplay: false)
        let rolledBack = try await harness.controller.rollback(to: 1)
        #expect(rolledBack.table.version == 2 && rolledBack.table.parentVersion == 1)
        harness.tuningQueue.resume()
        #expect(try await tick.value == nil)

        #expect(try await harness.store.highestTableVersion(fleet: harness.fleet) == 2)
        #expect(await harness.cache.tables(fleet: harness.fleet).latestVersion == 2)
        #expect(harness.controller.loop.snapshot.tableVersion == 2 && !harness.controller.loop.snapshot.isTuning)
        let decision = try #require(try await harness.store.tuningDecisions(HistoryQuery(fleet: harness.fleet)).first)
        #expect(decision.result == .rejected && decision.tableVersion == nil)
        #expect(
            decision.reason == "superseded: v2 was published while the tuning ran (it started from v1)",
            "\(decision.reason)"
        )
        // The next tuning starts from the rolled-back table and publishes the next version.
        try await harness.controller.requestRetune()
        let next = try #require(try await harness.controller.tick())
        #expect(next.table.version == 3 && next.table.parentVersion == 2)
    }

    @Test("pausing during a tuning keeps its table from being published")
    func pauseDuringTuning() async throws {
        let harness = try await Harness()
        let tick = try await harness.startHeldTuning()
        try await harness.controller.setPaused(true)
        harness.tuningQueue.resume()
        #expect(try await tick.value == nil)
        #expect(try await harness.store.highestTableVersion(fleet: harness.fleet) == 1)
        let decision = try #require(try await harness.store.tuningDecisions(HistoryQuery(fleet: harness.fleet)).first)
        #expect(decision.result == .rejected)
        #expect(decision.reason == "superseded: the fleet was paused while the tuning ran", "\(decision.reason)")
        await #expect(throws: AdminActionError.self) { try await harness.controller.requestRetune() }
    }

    private final class Log: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test("the gate runs one body at a time across suspension points, in order of arrival")
    func gateExcludes() async throws {
        let gate = SerialGate()
        let log = Log()
        // Each body arrives after the previous one is waiting (the holder keeps the gate until all arrived).
        let (release, released) = AsyncStream<Void>.makeStream()
        let holder = Task {
            await gate.run {
                log.lines.withLock { $0.append("holder") }
                for await _ in release { break }
            }
        }
        try await waitUntil("the holder in the gate", timeout: .seconds(10)) { log.lines.withLock { $0 == ["holder"] } }
        var bodies: [Task<Void, Never>] = []
        for index in 0..<20 {
            bodies.append(
                Task {
                    await gate.run {
                        log.lines.withLock { $0.append("start \(index)") }
                        try? await Task.sleep(for: .milliseconds(1))
                        await Task.yield()
                        log.lines.withLock { $0.append("end \(index)") }
                    }
                }
            )
            try await waitUntil("body \(index) waiting", timeout: .seconds(10)) { gate.waitingCount == index + 1 }
        }
        released.yield()
        await holder.value
        for body in bodies { await body.value }
        let expected = ["holder"] + (0..<20).flatMap { ["start \($0)", "end \($0)"] }
        #expect(log.lines.withLock { $0 } == expected)
    }
}
