import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import Foundation
import KafkaTestSupport
import Synchronization
import Testing

/// Three `consroute serve` replicas in one consumer group on a real broker (docs/design.md §9): three fleets,
/// 100,000 events each over six partitions; the owner of one fleet is SIGKILLed mid-stream and restarted, the owner
/// of another is SIGSTOPped past its session timeout and resumed.
@Suite("Replicas on Tansu", .serialized)
struct ReplicasOnTansuTests {
    static let fleets = ["f1", "f2", "f3"]
    static let perFleet = 100_000
    static let sessionTimeoutMs = 6_000

    /// One replica's files and its running process.
    private final class Replica: @unchecked Sendable {
        let id: String
        let config: String
        let history: String
        let port: Int
        private(set) var process: ChildProcess?

        init(id: String, config: String, history: String, port: Int) {
            self.id = id
            self.config = config
            self.history = history
            self.port = port
        }

        func start() throws {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("consroute")
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw IntegrationSetupError(
                    description: "\(executable.path) is missing: build all products (swift build --build-tests)"
                )
            }
            process = try ChildProcess(
                executable: executable,
                arguments: ["serve", "--config", config, "--log-level", "notice"],
                logFile: config + ".log"
            )
        }

        func signal(_ signal: Int32) { process?.kill(signal: signal) }

        @discardableResult
        func stop() -> Int32? {
            guard let process else { return nil }
            process.kill(signal: SIGTERM)
            self.process = nil
            return process.wait()
        }

        func kill() {
            process?.kill(signal: SIGKILL)
            _ = process?.wait()
            process = nil
        }

        var http: HTTPProbe { HTTPProbe(port: port) }
    }

    @Test(
        "3 replicas, 3 fleets x 100,000 events: a SIGKILL and a SIGSTOP past the session timeout; versions stay unique and increasing, every replica serves every table within 1 s, one owner per fleet"
    )
    func killAndPause() async throws {
        let kafka = try testBroker()
        let run = UUID().uuidString.prefix(8).lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(run)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let topics = (
            telemetry: "rep-telemetry-\(run)", acks: "rep-acks-\(run)", tables: "rep-tables-\(run)",
            dlq: "rep-dlq-\(run)", history: "rep-history-\(run)"
        )
        let admin = try KafkaAdminClient(configuration: kafka)
        try await admin.createTopic(KafkaTopicSpecification(name: topics.telemetry, partitions: 6))
        for name in [topics.acks, topics.tables, topics.dlq, topics.history] {
            try await admin.createTopic(KafkaTopicSpecification(name: name, partitions: 1))
        }
        let key = TableSigningKey()
        let keyPath = directory.appendingPathComponent("consroute.key").path
        try Data(KeyFile.privateKeyFile(key)).write(to: URL(fileURLWithPath: keyPath))
        var created: [Replica] = []
        for index in 0..<3 {
            let id = "replica-\(index)"
            let history = directory.appendingPathComponent("\(id).sqlite").path
            let config = directory.appendingPathComponent("\(id).yaml").path
            let port = try freePort()
            try Self.configuration(
                id: id,
                broker: kafka.bootstrapServers.joined(separator: ","),
                topics: [topics.telemetry, topics.acks, topics.tables, topics.dlq, topics.history],
                group: "replicas-\(run)",
                history: history,
                key: keyPath,
                port: port
            ).write(toFile: config, atomically: true, encoding: .utf8)
            created.append(Replica(id: id, config: config, history: history, port: port))
        }
        let replicas = created
        for replica in replicas { try replica.start() }
        defer { for replica in replicas { replica.kill() } }
        for replica in replicas { try await waitForHealth(replica) }
        progress("3 replicas up on ports \(replicas.map(\.port))")

        // Every replica's table of every fleet, polled every 50 ms: when each version was first served where.
        let served = Mutex<[String: [UInt64: [String: ContinuousClock.Instant]]]>([:])
        let down = Mutex<Set<String>>([])
        let faults = Mutex<[(from: ContinuousClock.Instant, to: ContinuousClock.Instant?)]>([])
        let watcher = Task {
            while !Task.isCancelled {
                for replica in replicas where !down.withLock({ $0.contains(replica.id) }) {
                    for fleet in Self.fleets {
                        guard
                            let response = try? await replica.http.request("GET", "/v1/fleets/\(fleet)/table"),
                            response.status == 200,
                            let tag = response.headers["etag"],
                            let version = UInt64(tag.trimmingCharacters(in: ["\""]))
                        else { continue }
                        let now = ContinuousClock.now
                        served.withLock {
                            $0[fleet, default: [:]][version, default: [:]][replica.id] =
                                $0[fleet]?[version]?[replica.id] ?? now
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { watcher.cancel() }

        // 100,000 events per fleet, keyed by fleet, about 6,000 events per second in all.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
        var streams = Self.fleets.enumerated().map {
            DriftingFleetStream(fleet: $0.element, seed: 100 + UInt64($0.offset))
        }
        let chunk = 500
        var produced = 0
        var killed: Replica?
        var stopped: Replica?
        while produced < Self.perFleet {
            for index in streams.indices {
                _ = try await producer.send(contentsOf: streams[index].records(count: chunk, topic: topics.telemetry))
            }
            produced += chunk
            if produced == 35_000 {
                let owner = try await owner(of: "f1", among: replicas)
                progress("SIGKILL \(owner.id), owner of f1")
                down.withLock { _ = $0.insert(owner.id) }
                faults.withLock { $0.append((.now, nil)) }
                owner.kill()
                killed = owner
            }
            if produced == 45_000, let replica = killed {
                try replica.start()
                try await waitForHealth(replica)
                down.withLock { _ = $0.remove(replica.id) }
                faults.withLock { $0[$0.count - 1].to = .now + .seconds(10) }
                progress("\(replica.id) restarted")
            }
            if produced == 65_000 {
                let owner = try await owner(of: "f2", among: replicas)
                progress("SIGSTOP \(owner.id), owner of f2, for \(Self.sessionTimeoutMs / 1_000 + 6) s")
                down.withLock { _ = $0.insert(owner.id) }
                faults.withLock { $0.append((.now, nil)) }
                owner.signal(SIGSTOP)
                stopped = owner
                try await Task.sleep(for: .milliseconds(Self.sessionTimeoutMs + 6_000))
                owner.signal(SIGCONT)
                down.withLock { _ = $0.remove(owner.id) }
                faults.withLock { $0[$0.count - 1].to = .now + .seconds(10) }
                progress("\(owner.id) resumed")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        try await producer.flush()
        await producer.shutdown()
        progress("produced \(produced) events per fleet (killed \(killed?.id ?? "-"), stopped \(stopped?.id ?? "-"))")

        // Everything consumed: the group's lag reaches 0 (every replica's /metrics).
        try await waitUntil("every replica's consumer lag at 0", timeout: .seconds(300)) {
            var total = 0.0
            for replica in replicas {
                guard let text = try? await replica.http.request("GET", "/metrics").text else { return false }
                total += Self.metric("consroute_consumer_lag_messages", in: text).reduce(0, +)
            }
            return total == 0
        }
        progress("telemetry consumed")
        // Settle: the last tables reach every replica.
        try await Task.sleep(for: .seconds(5))
        watcher.cancel()

        // One owner per fleet, named in /status and in consroute_fleet_owned.
        for fleet in Self.fleets {
            var owners: [String] = []
            var gauge = 0.0
            for replica in replicas {
                let status = try await replica.http.request("GET", "/v1/fleets/\(fleet)/status")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(status.text.utf8)) as? [String: Any]
                )
                let ownership = try #require(object["ownership"] as? [String: Any])
                if ownership["owned"] as? Bool == true { owners.append(replica.id) }
                let metrics = try await replica.http.request("GET", "/metrics").text
                gauge += Self.metric("consroute_fleet_owned{fleet=\"\(fleet)\"}", in: metrics).reduce(0, +)
            }
            #expect(owners.count == 1, "\(fleet) owners \(owners)")
            #expect(gauge == 1, "\(fleet) consroute_fleet_owned sums to \(gauge)")
        }

        // The tables topic: per fleet, strictly increasing versions, each once, all signed; one bootstrap only.
        let messages = try await readAll(topic: topics.tables, client: kafka, expected: 3, timeout: .seconds(60))
        var versions: [String: [UInt64]] = [:]
        var bootstraps: [String: Int] = [:]
        for message in messages {
            let signed = try SignedTable(envelope: message.value)
            try signed.verifySignature(trusting: [key.verifyingKey])
            versions[signed.table.fleet, default: []].append(signed.table.version)
            if signed.table.provenance.trigger == "bootstrap" { bootstraps[signed.table.fleet, default: 0] += 1 }
        }
        for fleet in Self.fleets {
            let list = versions[fleet] ?? []
            progress("\(fleet): versions on the topic \(list)")
            #expect(list.count >= 2, "\(fleet) has \(list.count) tables")
            #expect(zip(list, list.dropFirst()).allSatisfy { $0 < $1 }, "\(fleet) versions \(list)")
            #expect(bootstraps[fleet] == 1, "\(fleet) bootstrapped \(bootstraps[fleet] ?? 0) times")
        }

        // Every replica served every version it could (not down) within 1 s of the first one that served it.
        let windows = faults.withLock { $0 }
        var late: [String] = []
        var delays: [Duration] = []
        for (fleet, byVersion) in served.withLock({ $0 }) {
            for (version, seen) in byVersion {
                guard let first = seen.values.min() else { continue }
                if windows.contains(where: { first >= $0.from - .seconds(1) && first <= ($0.to ?? .now) }) { continue }
                // A version superseded before every replica's next poll may never have been served by some.
                guard seen.count == replicas.count else { continue }
                let delay = seen.values.max()! - first
                delays.append(delay)
                if delay > .milliseconds(1_100) { late.append("\(fleet) v\(version): \(delay)") }
            }
        }
        progress("propagation: \(delays.count) versions, slowest \(delays.max() ?? .zero)")
        #expect(!delays.isEmpty)
        #expect(late.isEmpty, "\(late)")
        // The newest table of each fleet is served by every replica.
        for fleet in Self.fleets {
            let newest = try #require(versions[fleet]?.last)
            for replica in replicas {
                let response = try await replica.http.request("GET", "/v1/fleets/\(fleet)/table")
                #expect(
                    response.headers["etag"] == "\"\(newest)\"",
                    "\(replica.id) serves \(fleet) \(response.headers["etag"] ?? "-")"
                )
            }
        }

        // One history: every replica holds every fleet's drift events, runs, decisions and rollout steps, whichever
        // replica recorded them (the history topic), each once. (This traffic re-tunes on data growth, with no
        // drift: every fleet has at least its bootstrap's re-clustering, optimiser runs and decisions.)
        let records = Mutex<[String: Set<String>]>([:])
        do {
            try await waitUntil("every replica's history holds the same records", timeout: .seconds(60)) {
                var listed: [String: Set<String>] = [:]
                for replica in replicas {
                    guard let lines = try? await Self.historyRecords(replica.history) else { return false }
                    listed[replica.id] = lines
                }
                records.withLock { $0 = listed }
                return Set(listed.values).count == 1
            }
        } catch {
            let listed = records.withLock { $0 }
            let union = listed.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            for (id, lines) in listed.sorted(by: { $0.key < $1.key }) {
                progress("\(id) lacks \(union.subtracting(lines).sorted().prefix(10)) of \(union.count)")
            }
            throw error
        }
        let shared = records.withLock { $0.values.first ?? [] }
        progress("one history: \(shared.count) records on every replica")
        for fleet in Self.fleets {
            #expect(shared.contains { $0.hasPrefix("recluster \(fleet) ") }, "\(fleet) has no re-cluster run")
            #expect(shared.contains { $0.hasPrefix("optimiser \(fleet) ") }, "\(fleet) has no optimiser run")
            #expect(shared.contains { $0.hasPrefix("decision \(fleet) ") }, "\(fleet) has no tuning decision")
        }

        for replica in replicas { #expect(replica.stop() == 0, "\(replica.id) exit") }
        // Counting: every replica's history holds every produced event exactly once, per fleet and cluster (each
        // replica's history ingestion reads every partition, exactly once across its own SIGKILL and SIGSTOP).
        var histories: [String: [String: Int64]] = [:]
        for replica in replicas {
            let store = try HistoryStore(path: replica.history)
            var counted: [String: Int64] = [:]
            for summary in try await store.statistics(HistoryQuery()) {
                counted["\(summary.fleet)/\(summary.cluster)", default: 0] += summary.sums.eventCount
            }
            histories[replica.id] = counted
            for fleet in Self.fleets {
                let total = counted.filter { $0.key.hasPrefix(fleet + "/") }.values.reduce(0, +)
                progress("\(replica.id): \(fleet) \(total) events in its history")
                #expect(total == Int64(produced), "\(replica.id) history has \(total) events of \(fleet)")
            }
        }
        #expect(Set(histories.values).count == 1, "the replicas' histories differ per cluster")
        // Every takeover re-read the partition before the group's commit (Tansu keeps no commit metadata, so from
        // a dedupe window's length before it) to rebuild the new owner's windows.
        var takeovers: [(committed: Int64, replayFrom: Int64)] = []
        for replica in replicas {
            let log = (try? String(contentsOfFile: replica.config + ".log", encoding: .utf8)) ?? ""
            for line in log.split(separator: "\n") where line.contains("partition taken over") {
                let fields = Dictionary(
                    line.split(separator: " ").compactMap { field -> (String, Int64)? in
                        let parts = field.split(separator: "=", maxSplits: 1)
                        guard parts.count == 2, let value = Int64(parts[1]) else { return nil }
                        return (String(parts[0]), value)
                    },
                    uniquingKeysWith: { first, _ in first }
                )
                if let committed = fields["committed"], let from = fields["replay_from"] {
                    takeovers.append((committed, from))
                }
            }
        }
        progress("takeovers: \(takeovers.map { "committed \($0.committed), re-read from \($0.replayFrom)" })")
        #expect(!takeovers.isEmpty)
        #expect(takeovers.allSatisfy { $0.committed == 0 || $0.replayFrom < $0.committed })
    }

    /// One line per drift event, run (with its trial count), decision and rollout step in a history, read while the
    /// replica runs.
    private static func historyRecords(_ path: String) async throws -> Set<String> {
        let store = try HistoryStore(readingFrom: path)
        let all = HistoryQuery()
        var lines = Set<String>()
        for event in try await store.driftEvents(all) { lines.insert("drift \(event.fleet) \(event.id)") }
        for run in try await store.reclusterRuns(all) { lines.insert("recluster \(run.fleet) \(run.id)") }
        for run in try await store.optimiserRuns(all) {
            lines.insert("optimiser \(run.fleet) \(run.id) \(try await store.optimiserTrials(runID: run.id).count)")
        }
        for decision in try await store.tuningDecisions(all) {
            lines.insert("decision \(decision.fleet) \(decision.runID) \(decision.result.rawValue)")
        }
        for step in try await store.rolloutEvents(all) {
            lines.insert("rollout \(step.fleet) \(step.canaryVersion) \(step.step.rawValue)")
        }
        return lines
    }

    private func owner(of fleet: String, among replicas: [Replica]) async throws -> Replica {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            for replica in replicas {
                guard let status = try? await replica.http.request("GET", "/v1/fleets/\(fleet)/status"),
                    status.status == 200,
                    let object = try? JSONSerialization.jsonObject(with: Data(status.text.utf8)) as? [String: Any],
                    let ownership = object["ownership"] as? [String: Any],
                    ownership["owned"] as? Bool == true, ownership["partition"] is NSNumber
                else { continue }
                return replica
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw IntegrationSetupError(description: "no replica owns \(fleet) within 60 s")
    }

    private func waitForHealth(_ replica: Replica) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let response = try? await replica.http.request("GET", "/healthz"), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw IntegrationSetupError(
            description: "\(replica.id) did not answer /healthz within 90 s (log: \(replica.config).log)"
        )
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("ReplicasOnTansuTests: \(text)\n".utf8))
    }

    /// The values of the samples whose name and labels start with `prefix`.
    private static func metric(_ prefix: String, in text: String) -> [Double] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix) else { return nil }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
    }

    private static func configuration(
        id: String,
        broker: String,
        topics: [String],
        group: String,
        history: String,
        key: String,
        port: Int
    ) -> String {
        let fleets = Self.fleets.map { fleet in
            """
              - name: \(fleet)
                dimension: \(DriftingFleetStream.dimension)
                fingerprint: {representation_model: test/drifting, reranker: test, prompt_template: test}
                reprefill_ms_per_1k_tokens: {device: 150, edge: 40, cloud: 20}
                clusters: {k_min: 2, k_max: 6}
                optimiser: {min_shadow_samples: 200}
                window: {representations: 4000, shadow_samples: 2000}
                loop: {bootstrap_events: 1500, debounce_s: 0.2, minimum_interval_s: 2, schedule_s: 0}
                drift: {occupancy_check_interval: 200, occupancy_min_reference: 1000}
            """
        }.joined(separator: "\n")
        return """
            broker:
              bootstrap_servers: "\(broker)"
              table_fencing: transactions
            topics:
              {telemetry: \(topics[0]), acks: \(topics[1]), tables: \(topics[2]), dlq: \(topics[3]), history: \(topics[4])}
            ingest:
              group: \(group)
              replica_id: \(id)
              batch_size: 500
              session_timeout_ms: \(Self.sessionTimeoutMs)
            http:
              host: 127.0.0.1
              port: \(port)
              admin_token: test-admin-token-0123456789
            history: {path: \(history)}
            keys: {signing_key_file: \(key)}
            loop: {tick_ms: 100}
            fleets:
            \(fleets)

            """
    }
}

/// A free loopback TCP port (bound, read, released).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw IntegrationSetupError(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw IntegrationSetupError(description: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension HTTPProbe.Response {
    fileprivate var text: String { String(decoding: body, as: UTF8.self) }
}
