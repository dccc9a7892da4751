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
}
