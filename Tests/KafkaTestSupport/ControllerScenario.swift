package import ConsRouteController
import ConsRouteKafka
package import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
package import Foundation
import Logging
import Synchronization
import Testing

@testable import ConsRouteLoop

/// The controller end to end (issue 5's acceptance flow), on whichever broker the caller gives: the embedded
/// mock cluster in the unit tests, Tansu in the integration tests.
///
/// A fleet's traffic has an abrupt representation change, and later an outcome change in one cluster. The
/// scenario checks that history shows the drift events, a re-clustering and an optimiser run; that a higher
/// version is published and reaches a long-poll client and a server-sent-event subscriber within 1 s; that
/// `If-None-Match` gives 304; that a rollback publishes v+1 with the older content; that no admin call succeeds
/// without the token; and that SIGTERM-style shutdown returns.
package struct ControllerScenario: Sendable {
    package let fleet = "phones"
    package let directory: URL
    package var configuration: ControllerConfiguration
    package static let adminToken = "test-admin-token-0123456789"

    /// - Parameter bootstrapServers: a real broker, or nil for the embedded one.
    package init(bootstrapServers: String?, sessionTimeoutMs: Int64 = 6_000) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("consroute-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyPath = directory.appendingPathComponent("consroute.key").path
        try Data(KeyFile.privateKeyFile(TableSigningKey())).write(to: URL(fileURLWithPath: keyPath))
        var configuration = ControllerConfiguration()
        if let bootstrapServers { configuration.broker.bootstrapServers = [bootstrapServers] }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        configuration.topics.telemetry = "telemetry-\(suffix)"
        configuration.topics.acks = "acks-\(suffix)"
        configuration.topics.tables = "tables-\(suffix)"
        configuration.topics.deadLetters = "dlq-\(suffix)"
        configuration.topics.history = "history-\(suffix)"
        configuration.broker.partitions = 2
        configuration.ingest.group = "controller-\(suffix)"
        configuration.ingest.batchSize = 500
        configuration.ingest.sessionTimeoutMs = sessionTimeoutMs
        configuration.http.port = 0
        configuration.http.adminToken = Self.adminToken
        configuration.history.path = directory.appendingPathComponent("history.sqlite").path
        configuration.signingKeyFile = keyPath
        configuration.tickMs = 50
        var settings = FleetPipelineSettings(
            metadata: FleetTableMetadata(
                fleet: fleet,
                fingerprint: DriftingFleetStream.fingerprint(),
                lifetimeMs: 3_600_000,
                reprefillMsPer1kTokens: [150, 40, 20],
                controllerVersion: ControllerConfiguration.controllerVersion
            ),
            objective: .standard
        )
        settings.bootstrapEvents = 1_500
        settings.tuner.minimumShadowSamples = 200
        settings.tuner.clusterCountRange = 2...6
        settings.tuner.minimumPointsToCluster = 500
        settings.reservoirCapacity = 4_000
        settings.shadowCapacity = 2_000
        settings.debounceMs = 200
        settings.minimumIntervalMs = 500
        settings.scheduleMs = nil
        // Only drift triggers here: the scenario checks which drift made each table.
        settings.retuneOnDataGrowth = false
        settings.drift.occupancy.windowLengths = [400, 800]
        settings.drift.occupancy.checkInterval = 200
        settings.drift.occupancy.minimumReferenceCount = 1_000
        configuration.fleets = [settings]
        self.configuration = configuration
    }

    /// Runs the whole flow; throws or records an issue on any failed expectation.
    package func run() async throws {
        let controller = try await Controller(configuration: configuration, logger: Logger(label: "e2e"))
        let ports = AsyncStream<Int>.makeStream()
        let running = Task { try await controller.run(handleSignals: false) { port in ports.continuation.yield(port) } }
        defer { running.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestTimeout(what: "the API to listen") }
        let http = HTTPProbe(port: port)
        let kafka = KafkaConfiguration(bootstrapServers: controller.bootstrapServers)
        let producer = try KafkaProducer(configuration: producerConfiguration(kafka))
        var stream = DriftingFleetStream(fleet: fleet, seed: 5)
        let telemetry = configuration.topics.telemetry

        // 1. Bootstrap: the first table.
        _ = try await producer.send(contentsOf: stream.records(count: 3_000, topic: telemetry))
        let first = try await waitForVersion(above: 0, cache: controller.cache, within: .seconds(30))
        #expect(first.table.provenance.trigger == "bootstrap")
        // The detectors build their reference from traffic after a table is adopted.
        _ = try await producer.send(contentsOf: stream.records(count: 2_500, topic: telemetry))
        try await waitForObserved(controller, events: 5_500)

        // 2. Abrupt representation change: drift, re-clustering, a new table.
        stream.phase = .moved
        _ = try await producer.send(contentsOf: stream.records(count: 4_000, topic: telemetry))
        let moved = try await waitForVersion(above: first.table.version, cache: controller.cache, within: .seconds(30))
        #expect(moved.table.provenance.trigger.hasPrefix("drift:"))
        let store = controller.store
        let drifts = try await store.driftEvents(HistoryQuery(fleet: fleet))
        #expect(drifts.contains { $0.signal == "occupancy" || $0.signal == "novelty" })
        let reclusters = try await store.reclusterRuns(HistoryQuery(fleet: fleet))
        #expect(reclusters.contains { if case .drift = $0.trigger { true } else { false } })

        // 3. Outcome change in one cluster, with a long-poll client and an SSE subscriber waiting (after more of
        // the moved traffic, the detectors' new reference).
        try await waitForObserved(controller, events: 9_500)
        _ = try await producer.send(contentsOf: stream.records(count: 2_500, topic: telemetry))
        try await waitForObserved(controller, events: 12_000)
        try await waitForQuiet(controller)
        let held = await controller.cache.tables(fleet: fleet).latestVersion
        async let polled = http.request("GET", "/v1/fleets/\(fleet)/table?after=\(held)&wait=30")
        let subscription = try TableStreamRecorder(port: port, fleet: fleet)
        // The current table first: the subscription is open before the change.
        _ = try await subscription.nextTable(above: held - 1, within: .seconds(5))
        stream.phase = .degraded
        _ = try await producer.send(contentsOf: stream.records(count: 4_000, topic: telemetry))
        let degraded = try await waitForVersion(above: held, cache: controller.cache, within: .seconds(30))
        let publishedAt = ContinuousClock.now
        let poll = try await polled
        #expect(poll.status == 200)
        #expect(try SignedTable(envelope: poll.body).table.version >= degraded.table.version)
        let streamed = try await subscription.nextTable(above: held, within: .seconds(5))
        #expect(streamed.receivedAt - publishedAt < .seconds(1))
        #expect(streamed.table.table.version >= degraded.table.version)
        subscription.close()
        let outcomeDrifts = try await store.driftEvents(HistoryQuery(fleet: fleet)).filter { $0.signal == "outcome" }
        #expect(!outcomeDrifts.isEmpty)
        #expect(try await !store.optimiserRuns(HistoryQuery(fleet: fleet)).isEmpty)

        // 4. ETag and 304.
        let current = try await http.request("GET", "/v1/fleets/\(fleet)/table")
        #expect(current.status == 200)
        let etag = current.headers["etag"] ?? ""
        #expect(
            try await http.request("GET", "/v1/fleets/\(fleet)/table", headers: ["If-None-Match": etag]).status == 304
        )

        // 5. Admin: nothing without the token, 403 with a wrong one; rollback publishes v+1 with old content.
        for action in ["rollback", "retune", "pause", "resume", "promote"] {
            #expect(
                try await http.request("POST", "/v1/fleets/\(fleet)/\(action)", body: #"{"to_version":1}"#).status
                    == 401
            )
            let wrong = try await http.request(
                "POST",
                "/v1/fleets/\(fleet)/\(action)",
                headers: ["Authorization": "Bearer wrong-token-0123456789"],
                body: #"{"to_version":1}"#
            )
            #expect(wrong.status == 403)
        }
        let latest = await controller.cache.tables(fleet: fleet).latestVersion
        let rollback = try await http.request(
            "POST",
            "/v1/fleets/\(fleet)/rollback",
            headers: ["Authorization": "Bearer \(Self.adminToken)"],
            body: #"{"to_version":\#(first.table.version)}"#
        )
        #expect(rollback.status == 200)
        let rolledBack = try await waitForVersion(above: latest, cache: controller.cache, within: .seconds(5))
        #expect(rolledBack.table.version == latest + 1)
        #expect(rolledBack.table.clusters == first.table.clusters)
        #expect(try await store.table(fleet: fleet, version: latest + 1)?.status == .active)

        // 6. The tables topic: a reader from the beginning, keeping the highest verified version per fleet,
        // ends on the latest table (nothing depends on compaction).
        let reader = try KafkaConsumer(
            configuration: consumerConfiguration(
                kafka,
                group: "reader-\(UUID().uuidString)",
                topic: configuration.topics.tables
            )
        )
        let verifying = try KeyFile.signingKey(
            from: Array(Data(contentsOf: URL(fileURLWithPath: configuration.signingKeyFile)))
        )
        .verifyingKey
        let highest = Mutex<UInt64>(0)
        _ = try await consume(
            reader,
            timeout: .seconds(30),
            onMessages: { batch in
                for message in batch {
                    let signed = try SignedTable(envelope: message.value)
                    try signed.verifySignature(trusting: [verifying])
                    #expect(message.key == Array(fleet.utf8))
                    highest.withLock { $0 = max($0, signed.table.version) }
                }
            },
            until: { _ in highest.withLock { $0 } >= latest + 1 }
        )
        await reader.shutdown()

        // 7. The CLI shows it all, as text and as JSON.
        let db = configuration.history.path
        let tablesText = try await Self.consroute(["history", "tables", "--db", db, "--fleet", fleet])
        #expect(tablesText.contains("bootstrap") && tablesText.contains("drift") && tablesText.contains("operator"))
        let tablesJSON = try await Self.consroute(["history", "tables", "--db", db, "--json"])
        let versions = try Self.objects(tablesJSON).compactMap { $0["version"] as? Int }
        // The rollback's version is there; a drift tuning pending before it may have published one more since.
        #expect(versions.contains(Int(latest + 1)) && (versions.max() ?? 0) >= Int(latest + 1))
        let driftJSON = try Self.objects(
            try await Self.consroute(["history", "drift", "--db", db, "--json", "--limit", "500"])
        )
        #expect(Set(driftJSON.compactMap { $0["signal"] as? String }).isSuperset(of: ["outcome"]))
        #expect(driftJSON.contains { ["novelty", "occupancy"].contains($0["signal"] as? String ?? "") })
        let runsJSON = try Self.objects(
            try await Self.consroute(["history", "runs", "--db", db, "--json", "--limit", "500"])
        )
        #expect(runsJSON.contains { $0["kind"] as? String == "recluster" })
        #expect(runsJSON.contains { $0["kind"] as? String == "optimiser" })
        // The text listing shows the newest 20 runs by default, and the optimiser runs after the last
        // re-clustering can fill them: one listing per kind.
        let reclusterText = try await Self.consroute(["history", "runs", "--db", db, "--kind", "recluster"])
        #expect(reclusterText.contains("recluster"))
        let optimiserText = try await Self.consroute(["history", "runs", "--db", db, "--kind", "optimiser"])
        #expect(optimiserText.contains("optimiser"))
        let statsText = try await Self.consroute(["history", "stats", "--db", db, "--fleet", fleet])
        #expect(statsText.contains(fleet))
        if !configuration.broker.isEmbedded {
            // On a shared broker every record also goes to the history topic, for other replicas: the outbox empties.
            try await waitUntil("the history outbox to empty", timeout: .seconds(10)) {
                try await store.pendingChanges(limit: 1).isEmpty
            }
        }

        running.cancel()
        _ = await running.result
        await producer.shutdown()
    }

    /// Runs the `consroute` executable built next to the test bundle; returns its standard output, failing the
    /// test on a non-zero exit.
    static func consroute(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("consroute")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        // Read while it runs: a listing larger than the pipe's buffer would otherwise block the child.
        let reading = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: await reading.value, as: UTF8.self)
        #expect(status == 0, "consroute \(arguments.joined(separator: " ")) exited \(status)")
        return text
    }

    static func objects(_ json: String) throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]) ?? []
    }

    /// Waits until the fleet's loop has observed `events` events.
    package func waitForObserved(_ controller: Controller, events: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let loop = controller.fleets.first, loop.loop.snapshot.observedEvents >= events { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestTimeout(what: "the loop to observe \(events) events")
    }

    /// Waits until the fleet has no tuning pending or running and no new version for a second.
    package func waitForQuiet(_ controller: Controller) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var version = await controller.cache.tables(fleet: fleet).latestVersion
        var since = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let snapshot = controller.fleets[0].loop.snapshot
            let current = await controller.cache.tables(fleet: fleet).latestVersion
            if current != version || snapshot.pending != nil || snapshot.isTuning {
                version = current
                since = .now
            } else if ContinuousClock.now - since >= .seconds(1) {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestTimeout(what: "the fleet to settle")
    }

    /// Waits until the cache holds a version above `version`.
    package func waitForVersion(above version: UInt64, cache: TableCache, within timeout: Duration) async throws
        -> SignedTable
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let table = await cache.tables(fleet: fleet).active, table.version > version { return table.signed }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestTimeout(what: "a table above version \(version)")
    }
}
