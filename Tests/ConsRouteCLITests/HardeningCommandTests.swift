import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import ConsRouteTuning
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 14 as an operator meets it on the command line: unknown fleets, deep YAML, managed broker keys, empty and
/// read-only histories, a huge d in replay, and `table verify`.
@Suite("Hardening: the CLI", .serialized, .timeLimit(.minutes(5)))
struct HardeningCommandTests {
    /// A configuration running fleet `phones` on the embedded broker, its key pair written next to it.
    private static func controller(_ directory: TemporaryDirectory, extra: String = "") throws -> String {
        let key = TableSigningKey()
        try Data(KeyFile.privateKeyFile(key)).write(to: directory.url.appendingPathComponent("consroute.key"))
        try Data(KeyFile.publicKeyFile(key.verifyingKey)).write(
            to: directory.url.appendingPathComponent("consroute.pub")
        )
        return try ServeCommandTests.setUp(directory, extra: extra, key: false)
    }

    private static func lines(_ result: ProcessResult) -> String {
        result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: (7) unknown fleets

    @Test("subscribe --fleet nope and simulate of a fleet the controller lacks fail at once naming the fleet")
    func unknownFleet() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.controller(directory)
        let serve = try ChildProcess(consroute: ["serve", "--config", path, "--log-level", "warning"])
        defer { serve.stop() }
        let line = try await serve.firstLine(within: .seconds(90))
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))

        let subscribe = try await runConsroute([
            "subscribe", "--url", url, "--fleet", "nope", "--public-key", directory.path("consroute.pub"),
            "--fingerprint-from-first", "--count", "1",
        ])
        #expect(subscribe.status == 1)
        #expect(Self.lines(subscribe).contains("unknown fleet nope"))

        let streaming = try await runConsroute([
            "subscribe", "--url", url, "--fleet", "nope", "--public-key", directory.path("consroute.pub"),
            "--representation-model", "m", "--representation-dim", "8", "--reranker", "r", "--prompt-template", "p",
            "--count", "1",
        ])
        #expect(streaming.status == 1)
        #expect(Self.lines(streaming).contains("unknown fleet nope"))

        let simulate = try await runConsroute([
            "simulate", "--url", url, "--brokers", "127.0.0.1:1", "--public-key", directory.path("consroute.pub"),
            "--scenario", repositoryRoot.appendingPathComponent("config/scenarios/demo.yaml").path, "--events", "10",
        ])
        #expect(simulate.status == 1)
        #expect(Self.lines(simulate).contains("does not run fleet drift-demo"))
    }

    // MARK: (9) deep YAML

    @Test("5,000 nested levels: serve, replay and simulate exit with a message, no crash")
    func deepYAML() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let deep = directory.path("deep.yaml")
        try ("fleet: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n")
            .write(toFile: deep, atomically: true, encoding: .utf8)
        let serve = try await runConsroute(["serve", "--config", deep])
        #expect(serve.status == 78)
        #expect(Self.lines(serve).contains("nesting deeper than 64 levels"))
        let replay = try await runConsroute(["replay", "--scenario", deep])
        #expect(replay.status == 1)
        #expect(Self.lines(replay).contains("nesting deeper than 64 levels"))
        let simulate = try await runConsroute([
            "simulate", "--url", "http://127.0.0.1:1", "--brokers", "127.0.0.1:1", "--public-key", deep,
            "--scenario", deep,
        ])
        #expect(simulate.status == 1)
        #expect(Self.lines(simulate).contains("nesting deeper than 64 levels"))
    }

    // MARK: (11) managed librdkafka keys

    @Test("a managed librdkafka key in broker.settings fails serve at start, naming the key")
    func managedBrokerKey() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.controller(directory, extra: "broker: {settings: {enable.auto.commit: \"true\"}}\n")
        let result = try await runConsroute(["serve", "--config", path])
        #expect(result.status == 1)
        #expect(Self.lines(result).contains("broker.settings.enable.auto.commit"))
    }

    // MARK: (13) histories and replay memory

    @Test("a 0-byte history file: serve and history refuse it with what to do")
    func emptyHistory() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.controller(directory)
        try Data().write(to: directory.url.appendingPathComponent("history.sqlite"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -60)],
            ofItemAtPath: directory.path("history.sqlite")
        )
        let serve = try await runConsroute(["serve", "--config", path])
        #expect(serve.status == 1)
        #expect(Self.lines(serve).contains("empty (0 bytes)"))
        let history = try await runConsroute(["history", "tables", "--db", directory.path("history.sqlite")])
        #expect(history.status == 1)
        #expect(Self.lines(history).contains("empty (0 bytes)"))
        #expect(
            (try FileManager.default.attributesOfItem(atPath: directory.path("history.sqlite"))[.size] as? NSNumber)
                == 0
        )
    }

    @Test("consroute history reads a history on read-only storage")
    func readOnlyHistory() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let storage = directory.path("storage")
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        let database = storage + "/history.sqlite"
        do {
            let store = try HistoryStore(path: database)
            try await store.apply(
                IngestEffect(offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 1)])
            )
        }
        let readOnly = try await ReadOnlyStorage(storage)
        let result = try await runConsroute(["history", "tables", "--db", database, "--json"])
        await readOnly.restore()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("replay with d = 65,536 sizes its representation window to memory and says so")
    func replayHugeDimension() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let scenario = try writeOneTopicScenario(in: directory, fleet: "huge", dimension: 65_536, events: 300)
        let result = try await runConsroute(["replay", "--scenario", scenario, "--out", directory.path("report.json")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.lines(result).contains("representation window holds"))
    }

    // MARK: (10) table verify

    @Test("table verify: the documented fingerprint form, garbage as a usage error, an expired table refused")
    func tableVerify() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let key = TableSigningKey()
        try Data(KeyFile.publicKeyFile(key.verifyingKey)).write(to: directory.url.appendingPathComponent("key.pub"))
        var generator = SeededGenerator(seed: 3)
        let fresh = ThresholdTable.example(
            fleet: "phones",
            version: 2,
            dimension: 8,
            clusterCount: 2,
            createdAtMs: Int64(Date().timeIntervalSince1970 * 1000),
            using: &generator
        )
        let expired = ThresholdTable.example(
            fleet: "phones",
            version: 1,
            dimension: 8,
            clusterCount: 2,
            using: &generator
        )
        try Data(try SignedTable(signing: fresh, with: key).envelopeBytes()).write(
            to: directory.url.appendingPathComponent("fresh.json")
        )
        try Data(try SignedTable(signing: expired, with: key).envelopeBytes())
            .write(to: directory.url.appendingPathComponent("expired.json"))
        let fingerprint = fresh.fingerprint
        let documented =
            "\(fingerprint.representationModel)/\(fingerprint.representationDim)/\(fingerprint.reranker)/\(fingerprint.promptTemplate)"
        let verify: (String, [String]) async throws -> ProcessResult = { file, extra in
            try await runConsroute(
                ["table", "verify", directory.path(file), "--public-key", directory.path("key.pub")] + extra
            )
        }
        let ok = try await verify("fresh.json", ["--fingerprint", documented])
        #expect(ok.status == 0, "\(ok.standardError)")
        #expect(ok.standardOutput.hasPrefix("ok: fleet phones version 2"))
        #expect(try await verify("fresh.json", ["--fingerprint", fingerprint.description]).status == 0)
        let wrong = try await verify(
            "fresh.json",
            ["--fingerprint", "\(fingerprint.representationModel)/9/\(fingerprint.reranker)/x"]
        )
        #expect(wrong.status == 1)
        for garbage in ["garbage", "a/b/c", "m/zero/r/t", "m/0/r/t", "/8/r/t"] {
            let result = try await verify("fresh.json", ["--fingerprint", garbage])
            #expect(result.status == 64, "\(garbage)")
        }
        let old = try await verify("expired.json", [])
        #expect(old.status == 1)
        #expect(Self.lines(old).contains("expired"))
    }
}

/// Makes a directory read-only for a moment: a read-only bind mount over itself when running as root (for whom
/// permissions do not apply), else its permission bits.
actor ReadOnlyStorage {
    private let path: String
    private let mounted: Bool

    init(_ path: String) async throws {
        self.path = path
        if getuid() == 0 {
            let bind = try await runProcess(URL(fileURLWithPath: "/bin/mount"), ["--bind", path, path])
            let remount = try await runProcess(
                URL(fileURLWithPath: "/bin/mount"),
                ["-o", "remount,bind,ro", path, path]
            )
            guard bind.status == 0, remount.status == 0 else {
                throw TestSetupError(
                    description: "cannot mount \(path) read-only: \(bind.standardError)\(remount.standardError)"
                )
            }
            mounted = true
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: path)
            for file in try FileManager.default.contentsOfDirectory(atPath: path) {
                try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path + "/" + file)
            }
            mounted = false
        }
        guard !FileManager.default.isWritableFile(atPath: path) || getuid() == 0 else {
            throw TestSetupError(description: "\(path) is still writable")
        }
    }

    func restore() async {
        if mounted {
            _ = try? await runProcess(URL(fileURLWithPath: "/bin/umount"), [path])
        } else {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }
}
