import ConsRouteTestSupport
import Foundation
import Testing

/// `consroute history` run as a user runs it: the built executable against a database the test fills.
@Suite("consroute history (the built executable)")
struct HistoryCommandTests {
    private func history(_ fixture: HistoryFixture, _ arguments: [String]) async throws -> ProcessResult {
        let result = try await runConsroute(["history"] + arguments + ["--db", fixture.path])
        #expect(result.status == 0, "\(arguments): \(result.standardError)")
        return result
    }

    private func json(_ fixture: HistoryFixture, _ arguments: [String]) async throws -> [[String: Any]] {
        try jsonObjects(try await history(fixture, arguments + ["--json"]).standardOutput)
    }

    @Test("tables: newest first with status, stage, trigger, expected ratios and acknowledgement counts")
    func tables() async throws {
        let fixture = try await HistoryFixture()
        let rows = try await json(fixture, ["tables"])
        #expect(rows.map { "\($0["fleet"]!)/\($0["version"]!)" } == ["tv/1", "phones/3", "phones/2", "phones/1"])
        let active = rows[1]
        #expect(active["status"] as? String == "active")
        #expect(active["stage"] as? String == "active")
        #expect(active["canary_percent"] is NSNull)
        #expect(active["trigger"] as? String == "drift")
        #expect(active["trigger_ref"] as? String == "d2")
        #expect(active["parent_version"] as? Int == 2)
        #expect(active["expected_quality_ratio"] as? Double == 0.93)
        #expect(active["expected_latency_ratio"] as? Double == 0.55)
        #expect(active["expected_cost_ratio"] as? Double == 0.5)
        #expect(active["clusters"] as? Int == 3)
        #expect(active["acks_applied"] as? Int == 40)
        #expect(active["acks_rejected"] as? Int == 3)
        #expect(active["acks_rejected_by_reason"] as? [String: Int] == ["stale": 2, "bad_signature": 1])
        #expect(active["created_at_ms"] as? Int64 == fixture.nowMs - 30 * HistoryFixture.minute)
        #expect(rows[2]["status"] as? String == "superseded")
        #expect(rows[2]["acks_applied"] as? Int == 50)
        #expect(rows[3]["acks_applied"] as? Int == 0)
        #expect(rows[3]["trigger"] as? String == "schedule")
        #expect(rows[0]["stage"] as? String == "canary")
        #expect(rows[0]["status"] as? String == "canary")
        #expect(rows[0]["canary_percent"] as? Double == 10)
    }

    @Test("tables: --fleet, --since, --until and --status select rows")
    func tableFilters() async throws {
        let fixture = try await HistoryFixture()
        let versions = { (arguments: [String]) in
            try await json(fixture, ["tables"] + arguments).map { $0["version"] as? Int }
        }
        #expect(try await versions(["--fleet", "phones", "--since", "1h"]) == [3])
        #expect(try await versions(["--fleet", "phones", "--until", "1h"]) == [2, 1])
        #expect(try await versions(["--fleet", "phones", "--since", "150m", "--until", "1h"]) == [2])
        #expect(try await versions(["--status", "superseded"]) == [2, 1])
        let since = String(fixture.nowMs - 15 * HistoryFixture.minute)
        #expect(try await json(fixture, ["tables", "--since", since]).map { $0["fleet"] as? String } == ["tv"])
        #expect(try await versions(["--fleet", "cars"]) == [])
    }

    @Test("tables text: an aligned table, cut at --limit with a note")
    func tablesText() async throws {
        let fixture = try await HistoryFixture()
        let output = try await history(fixture, ["tables", "--fleet", "phones", "--limit", "2"]).standardOutput
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(output)")
        #expect(lines[0].hasPrefix("fleet   version  status      stage   canary%  created"))
        #expect(lines[0].hasSuffix("applied  rejected"))
        #expect(lines[1].hasPrefix("phones        3  active      active        -  "))
        #expect(lines[1].hasSuffix("     40         3"))
        #expect(lines[1].count == lines[0].count)
        #expect(lines[3] == "(more tables match; raise --limit to see them)")
        let empty = try await history(fixture, ["tables", "--fleet", "cars"]).standardOutput
        #expect(empty == "no tables match\n")
    }

    @Test("--json keeps standard output one array; the limit's note goes to standard error")
    func jsonLimitNote() async throws {
        let fixture = try await HistoryFixture()
        let result = try await history(fixture, ["drift", "--json", "--limit", "2"])
        #expect(try jsonObjects(result.standardOutput).map { $0["id"] as? String } == ["d3", "d2"])
        #expect(result.standardError == "(more drift events match; raise --limit to see them)\n")
    }

    @Test("drift: newest first, filtered by --cluster and --fleet")
    func drift() async throws {
        let fixture = try await HistoryFixture()
        #expect(try await json(fixture, ["drift"]).map { $0["id"] as? String } == ["d3", "d2", "d1"])
        let cluster3 = try await json(fixture, ["drift", "--cluster", "3"])
        #expect(cluster3.map { $0["id"] as? String } == ["d3", "d1"])
        #expect(cluster3[1]["tier"] is NSNull)
        #expect(cluster3[0]["tier"] as? String == "edge")
        #expect(cluster3[0]["statistic"] as? Double == 0.3)
        #expect(cluster3[0]["window_end_ms"] as? Int64 == fixture.nowMs - 5 * HistoryFixture.minute)
        #expect(
            try await json(fixture, ["drift", "--fleet", "phones", "--cluster", "3"]).map { $0["id"] as? String } == [
                "d1"
            ]
        )
        let text = try await history(fixture, ["drift", "--limit", "1"]).standardOutput
        #expect(text.contains("stat/thr") && text.contains("  3  "), "\(text)")
    }

    @Test("runs: both kinds newest first, --kind, and the trials of one run")
    func runs() async throws {
        let fixture = try await HistoryFixture()
        let all = try await json(fixture, ["runs"])
        #expect(all.map { $0["id"] as? String } == ["opt-3", "opt-2", "opt-1", "rc-1"])
        #expect(all.map { $0["kind"] as? String } == ["optimiser", "optimiser", "optimiser", "recluster"])
        let reclusters = try await json(fixture, ["runs", "--kind", "recluster"])
        #expect(reclusters.map { $0["id"] as? String } == ["rc-1"])
        #expect(reclusters[0]["k_after"] as? Int == 3)
        #expect(reclusters[0]["duration_ms"] as? Double == 840)
        #expect(
            try await json(fixture, ["runs", "--kind", "optimiser", "--fleet", "tv"]).map { $0["id"] as? String } == [
                "opt-3"
            ]
        )
        let trials = try await json(fixture, ["runs", "--trials", "opt-1"])
        #expect(trials.map { $0["iteration"] as? Int } == [0, 1, 2])
        #expect(trials.map { $0["objective"] as? Double } == [0.6, 0.8, 0.7])
        #expect(try await json(fixture, ["runs", "--trials", "opt-1", "--limit", "2"]).count == 2)
    }

    @Test("decisions: newest first with result, version or reason, predicted ratios; --fleet, --since, --result")
    func decisions() async throws {
        let fixture = try await HistoryFixture()
        let rows = try await json(fixture, ["decisions"])
        #expect(rows.map { $0["run_id"] as? String } == ["tv/run/1", "phones/run/2", "phones/run/1"])
        #expect(rows.map { $0["result"] as? String } == ["failed", "rejected", "published"])
        let rejected = rows[1]
        #expect(rejected["fleet"] as? String == "phones")
        #expect(rejected["reason"] as? String == HistoryFixture.guardrail)
        #expect(rejected["table_version"] is NSNull)
        #expect(rejected["quality_ratio"] as? Double == 0.91)
        #expect(rejected["latency_ratio"] as? Double == 0.5)
        #expect(rejected["cost_ratio"] as? Double == 0.4)
        #expect(rejected["trigger"] as? String == "drift")
        #expect(rejected["trigger_ref"] as? String == "d2")
        #expect(rejected["decided_at_ms"] as? Int64 == fixture.nowMs - 34 * HistoryFixture.minute)
        #expect(rejected["window_start_ms"] as? Int64 == fixture.nowMs - 49 * HistoryFixture.minute)
        #expect(rejected["window_first_offset"] is NSNull)
        #expect(rows[2]["table_version"] as? Int == 2 && rows[2]["reason"] is NSNull)
        #expect(rows[0]["quality_ratio"] is NSNull && rows[0]["trigger_ref"] is NSNull)
        let runIDs = { (arguments: [String]) in
            try await json(fixture, ["decisions"] + arguments).map { $0["run_id"] as? String }
        }
        #expect(try await runIDs(["--fleet", "phones", "--since", "1h"]) == ["phones/run/2"])
        #expect(try await runIDs(["--result", "published"]) == ["phones/run/1"])
        #expect(try await runIDs(["--fleet", "tv", "--result", "rejected"]) == [])
    }

    @Test("decisions text: an aligned table with the reason last, cut at --limit with a note")
    func decisionsText() async throws {
        let fixture = try await HistoryFixture()
        let output = try await history(fixture, ["decisions", "--fleet", "phones", "--limit", "1"]).standardOutput
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(output)")
        #expect(lines[0].hasPrefix("decided               fleet   run           trigger  result    version  quality"))
        #expect(lines[0].hasSuffix("latency  cost  q bound  in force q  in force cost  basis  reason"))
        #expect(
            lines[1].hasSuffix(
                "drift    rejected        -     0.91      0.5   0.4        -           -              -  -      "
                    + HistoryFixture.guardrail
            )
        )
        #expect(lines[2] == "(more tuning decisions match; raise --limit to see them)")
        let empty = try await history(fixture, ["decisions", "--fleet", "cars"]).standardOutput
        #expect(empty == "no tuning decisions match\n")
    }

    @Test(
        "rollouts: newest first with step, initiator, result version and the test's figures; --fleet, --since, --step"
    )
    func rollouts() async throws {
        let fixture = try await HistoryFixture()
        let rows = try await json(fixture, ["rollouts"])
        #expect(rows.map { $0["fleet"] as? String } == ["tv", "phones", "phones"])
        #expect(rows.map { $0["step"] as? String } == ["started", "rolled_back", "started"])
        let rollback = rows[1]
        #expect(rollback["canary_version"] as? Int == 2 && rollback["control_version"] as? Int == 1)
        #expect(rollback["result_version"] as? Int == 3 && rollback["initiator"] as? String == "controller")
        #expect(rollback["percent"] as? Double == 10)
        #expect(rollback["canary_samples"] as? Int == 800 && rollback["control_samples"] as? Int == 7_000)
        #expect(rollback["canary_mean"] as? Double == 0.41 && rollback["control_mean"] as? Double == 0.52)
        #expect(rollback["lower_bound"] as? Double == -0.19 && rollback["upper_bound"] as? Double == -0.07)
        #expect(rollback["reason"] as? String == HistoryFixture.inferior)
        #expect(rollback["decided_at_ms"] as? Int64 == fixture.nowMs - 125 * HistoryFixture.minute)
        #expect(rows[0]["result_version"] is NSNull && rows[0]["canary_samples"] is NSNull)
        let steps = { (arguments: [String]) in
            try await json(fixture, ["rollouts"] + arguments).map { $0["step"] as? String }
        }
        #expect(try await steps(["--fleet", "phones"]) == ["rolled_back", "started"])
        #expect(try await steps(["--since", "1h"]) == ["started"])
        #expect(try await steps(["--step", "rolled_back"]) == ["rolled_back"])
        #expect(try await steps(["--fleet", "tv", "--step", "promoted"]) == [])
    }

    @Test("rollouts text: an aligned table with the reason last, cut at --limit with a note")
    func rolloutsText() async throws {
        let fixture = try await HistoryFixture()
        let output = try await history(fixture, ["rollouts", "--fleet", "phones", "--limit", "1"]).standardOutput
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(output)")
        #expect(
            lines[0].hasPrefix("decided               fleet   canary  control   %  step         by          version")
        )
        #expect(lines[0].hasSuffix("diff low  diff high  reason"), "\(lines[0])")
        #expect(lines[1].hasSuffix("-0.19      -0.07  \(HistoryFixture.inferior)"), "\(lines[1])")
        #expect(lines[2] == "(more rollout steps match; raise --limit to see them)")
        let empty = try await history(fixture, ["rollouts", "--fleet", "cars"]).standardOutput
        #expect(empty == "no rollout steps match\n")
    }

    @Test("runs --trials of an unknown run fails naming the run, exit 1")
    func unknownRun() async throws {
        let fixture = try await HistoryFixture()
        let result = try await runConsroute(["history", "runs", "--trials", "opt-9", "--db", fixture.path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("no trials of optimiser run 'opt-9'"))
    }

    @Test("stats: per fleet, cluster and tier with means and shares; --since selects buckets")
    func stats() async throws {
        let fixture = try await HistoryFixture()
        let phones = try await json(fixture, ["stats", "--fleet", "phones"])
        #expect(phones.map { "\($0["cluster"]!)/\($0["tier"]!)" } == ["0/device", "0/cloud", "1/edge"])
        #expect(phones.map { $0["events"] as? Int } == [30, 10, 60])
        #expect(phones.map { $0["fleet_share"] as? Double } == [0.3, 0.1, 0.6])
        #expect(phones.map { $0["cluster_share"] as? Double } == [0.75, 0.25, 1])
        #expect(phones[0]["mean_latency_ms"] as? Double == 200)
        #expect(phones[0]["mean_cost"] as? Double == 0.5)
        #expect(phones[0]["observed_quality_ratio"] as? Double == 0.9)
        let recent = try await json(fixture, ["stats", "--since", "2h"])
        #expect(
            recent.map { "\($0["fleet"]!)/\($0["cluster"]!)/\($0["tier"]!)" } == [
                "phones/0/device", "phones/0/cloud", "tv/0/edge",
            ]
        )
        #expect(recent[0]["fleet_share"] as? Double == 0.75)
        #expect(try await json(fixture, ["stats", "--cluster", "1"]).map { $0["events"] as? Int } == [60])
    }

    @Test("the database defaults to $CONSROUTE_DB, else consroute.sqlite in the current directory")
    func defaultDatabase() async throws {
        let fixture = try await HistoryFixture(fileName: "consroute.sqlite")
        let fromEnvironment = try await runConsroute(
            ["history", "drift", "--json"],
            environment: ["CONSROUTE_DB": fixture.path]
        )
        #expect(try jsonObjects(fromEnvironment.standardOutput).count == 3)
        let fromDirectory = try await runConsroute(
            ["history", "drift", "--json"],
            environment: ["CONSROUTE_DB": ""],
            directory: fixture.directory.url
        )
        #expect(try jsonObjects(fromDirectory.standardOutput).count == 3, "\(fromDirectory.standardError)")
    }

    @Test("a missing database is one line naming the path, exit 1, and is not created")
    func missingDatabase() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = directory.path("absent.sqlite")
        let result = try await runConsroute(["history", "tables", "--db", path])
        #expect(result.status == 1)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains(path))
        #expect(!FileManager.default.fileExists(atPath: path))
        let notDatabase = directory.path("notes.txt")
        try Data("not sqlite".utf8).write(to: URL(fileURLWithPath: notDatabase))
        let unreadable = try await runConsroute(["history", "stats", "--db", notDatabase])
        #expect(unreadable.status == 1)
        #expect(unreadable.standardError.contains(notDatabase))
    }

    @Test(
        "bad flags exit 64 with a message naming the flag",
        arguments: [
            (["tables", "--since", "yesterday"], "--since"), (["drift", "--limit", "0"], "--limit"),
            (["runs", "--kind", "both"], "--kind"), (["tables", "--since", "1h", "--until", "2h"], "--until"),
            (["tables", "--status", "live"], "--status"),
            (["runs", "--trials", "opt-1", "--kind", "recluster"], "--trials"),
            (["runs", "--trials", "opt-1", "--since", "1h"], "--trials"), (["stats", "--bogus"], "--bogus"),
            (["decisions", "--result", "skipped"], "--result"), (["rollouts", "--step", "paused"], "--step"),
            (["drift", "--cluster", "x"], "--cluster"), (["tables", "--fleet", ""], "--fleet"),
        ] as [([String], String)]
    )
    func badFlags(arguments: [String], named: String) async throws {
        let fixture = try await HistoryFixture()
        let result = try await runConsroute(["history"] + arguments + ["--db", fixture.path])
        #expect(result.status == 64, "\(arguments): \(result.standardError)")
        #expect(result.standardError.contains(named), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }
}
