import ConsRouteTestSupport
import Foundation
import Testing

/// The text summary `consroute replay` prints besides its JSON report.
@Suite("consroute replay summary")
struct ReplaySummaryTests {
    @Test("every baseline's name is printed whole, followed by its figures")
    func baselineNamesWhole() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let scenario = try writeOneTopicScenario(in: directory, fleet: "small", dimension: 8, events: 3_000)
        let result = try await runConsroute(
            ["replay", "--scenario", scenario, "--window", "1000", "--out", directory.path("report.json")]
        )
        #expect(result.status == 0, "\(result.standardError)")
        // The summary goes to standard error (standard output is the report without --out).
        let lines = result.standardError.split(separator: "\n").map(String.init)
        for name in ["policy", "static", "oracle", "oracle_fleet", "all_device"] {
            #expect(
                lines.contains { $0.hasPrefix(name + " ") && $0.contains("quality ratio ") },
                "no line '\(name) … quality ratio' in:\n\(result.standardError)"
            )
        }
    }

    @Test(
        "a recording: bad records stop it or, with --skip-invalid, are counted; a clock too fast for the loop is noted"
    )
    func recording() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let scenario = try writeOneTopicScenario(in: directory, fleet: "small", dimension: 8, events: 3_000)
        // The scenario's 100 events per second span 30 s: with the first table after 1,000 events and tunings at
        // least 60 s apart, none could follow it.
        let config = directory.path("controller.yaml")
        try """
        fleets:
          - name: small
            dimension: 8
            fingerprint: {representation_model: m, reranker: r, prompt_template: t}
            objective: {lambda_latency: 0.3, lambda_cost: 0.3, q_min: 0.95, penalty: 10}
            loop: {bootstrap_events: 1000, minimum_interval_s: 60}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let events = directory.path("events.jsonl")
        let saved = try await runConsroute(
            [
                "replay", "--scenario", scenario, "--config", config, "--save-events", events, "--out",
                directory.path("a.json"),
            ]
        )
        #expect(saved.status == 0, "\(saved.standardError)")
        #expect(
            saved.standardError.contains("note: the 3000 events span 30.0 s of event time"),
            "\(saved.standardError)"
        )
        // Re-timed at 5 per second they span 600 s: room for the loop, no note.
        let retimed = try await runConsroute(
            [
                "replay", "--input", events, "--config", config, "--events-per-second", "5", "--out",
                directory.path("b.json"),
            ]
        )
        #expect(retimed.status == 0 && !retimed.standardError.contains("note:"), "\(retimed.standardError)")

        // A bad line in the middle: an error naming it and the flag; with the flag, counted and the rest replayed.
        var lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("{\"fleet\": \"small\", \"colour\": 1}", at: 100)
        let hostile = directory.path("hostile.jsonl")
        try lines.joined(separator: "\n").write(toFile: hostile, atomically: true, encoding: .utf8)
        let strict = try await runConsroute(["replay", "--input", hostile, "--out", directory.path("c.json")])
        #expect(strict.status != 0)
        #expect(strict.standardError.contains("hostile.jsonl:101: ") && strict.standardError.contains("--skip-invalid"))
        let skipping = try await runConsroute(
            ["replay", "--input", hostile, "--skip-invalid", "--out", directory.path("d.json")]
        )
        #expect(skipping.status == 0, "\(skipping.standardError)")
        #expect(skipping.standardError.contains("replayed 3000 events"), "\(skipping.standardError)")
        #expect(skipping.standardError.contains("1 invalid events skipped; the first: "), "\(skipping.standardError)")

        // The first line fixes the file's fleet and dimension: no flag goes past it.
        let first = directory.path("first.jsonl")
        try ([lines[100]] + lines).joined(separator: "\n").write(toFile: first, atomically: true, encoding: .utf8)
        let firstBad = try await runConsroute(["replay", "--input", first, "--skip-invalid"])
        #expect(firstBad.status != 0 && firstBad.standardError.contains("fixes the file's fleet and dimension"))
    }
}
