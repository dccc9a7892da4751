import ConsRouteTestSupport
import Foundation
import Testing

/// `scripts/check-dashboards.py` on the repository's dashboards, on broken copies, and against a real Prometheus.
@Suite("Dashboards and their checker")
struct DashboardCheckTests {
    private static let checker = repositoryRoot.appendingPathComponent("scripts/check-dashboards.py").path
    private static let dashboard = repositoryRoot.appendingPathComponent("dashboards/consroute-overview.json")

    private func check(_ arguments: [String]) async throws -> ProcessResult {
        try await runProcess(try installedProgram("python3"), [Self.checker] + arguments)
    }

    /// Every (panel title, refId) pair of the overview dashboard.
    private func panelTargets() throws -> [(title: String, refID: String)] {
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any]
        )
        let panels = try #require(root["panels"] as? [[String: Any]])
        return panels.flatMap { panel in
            ((panel["targets"] as? [[String: Any]]) ?? []).map {
                (panel["title"] as? String ?? "", $0["refId"] as? String ?? "")
            }
        }
    }

    @Test("the dashboards validate against the schema and the scrape config passes promtool")
    func repositoryDashboardsAreValid() async throws {
        _ = try installedProgram("promtool")
        let result = try await check([])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("consroute-overview.json: valid (\(try panelTargets().count) targets)"))
        #expect(result.standardOutput.contains("promtool: dashboards/prometheus.yml is valid"))
    }

    @Test("a broken dashboard fails, naming every problem")
    func brokenDashboardFails() async throws {
        var root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any]
        )
        root["schemaVersion"] = 30
        var templating = try #require(root["templating"] as? [String: Any])
        templating["list"] = (templating["list"] as? [[String: Any]] ?? []).filter {
            $0["type"] as? String != "datasource"
        }
        root["templating"] = templating
        var panels = try #require(root["panels"] as? [[String: Any]])
        var widePanel = panels[1]
        widePanel["gridPos"] = ["h": 8, "w": 30, "x": 0, "y": 1]
        panels[1] = widePanel
        var secondPanel = panels[2]
        var targets = try #require(secondPanel["targets"] as? [[String: Any]])
        targets[0]["expr"] = ""
        secondPanel["targets"] = targets
        panels[2] = secondPanel
        root["panels"] = panels
        let folder = try TemporaryDirectory(prefix: "consroute-cli")
        try JSONSerialization.data(withJSONObject: root).write(to: folder.url.appendingPathComponent("broken.json"))
        let result = try await check(["--dashboards", folder.url.path])
        #expect(result.status == 1)
        let output = result.standardOutput
        #expect(output.contains("broken.json: schemaVersion: 30 is less than the minimum of 36"), "\(output)")
        #expect(
            output.contains("broken.json: templating/list: no item is a Prometheus data-source variable"),
            "\(output)"
        )
        #expect(output.contains("broken.json: panels/1/gridPos/w: 30 is greater than the maximum of 24"), "\(output)")
        #expect(output.contains("broken.json: panels/2/targets/0/expr: '' should be non-empty"), "\(output)")
    }

    @Test("layout and variable rules: duplicate ids and refIds, overlaps, undefined variables")
    func layoutRules() async throws {
        var root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any]
        )
        var panels = try #require(root["panels"] as? [[String: Any]])
        panels[2]["id"] = panels[1]["id"]
        panels[2]["gridPos"] = panels[1]["gridPos"]
        var targets = try #require(panels[3]["targets"] as? [[String: Any]])
        targets[1]["refId"] = targets[0]["refId"]
        targets[0]["expr"] = "sum(consroute_subscribers{fleet=~\"$region\"})"
        panels[3]["targets"] = targets
        root["panels"] = panels
        let folder = try TemporaryDirectory(prefix: "consroute-cli")
        try JSONSerialization.data(withJSONObject: root).write(to: folder.url.appendingPathComponent("layout.json"))
        let result = try await check(["--dashboards", folder.url.path])
        #expect(result.status == 1)
        let output = result.standardOutput
        let title = { (index: Int) in panels[index]["title"] as? String ?? "" }
        #expect(output.contains("'\(title(2))': id \(panels[1]["id"]!) is also panel '\(title(1))'"), "\(output)")
        #expect(output.contains("'\(title(2))': overlaps panel '\(title(1))'"), "\(output)")
        #expect(output.contains("'\(title(3))': refId A is used by more than one target"), "\(output)")
        #expect(output.contains("'\(title(3))' target A: $region is not a dashboard variable"), "\(output)")
    }

    @Test("against a Prometheus without the controller's metrics, every panel target is reported as having no data")
    func everyTargetWithoutData() async throws {
        let folder = try TemporaryDirectory(prefix: "consroute-cli")
        let prometheus = try await PrometheusServer(storage: folder.path("data"), directory: folder)
        let result = try await check(["--prometheus", prometheus.url])
        try await prometheus.shutDown()
        #expect(result.status == 1)
        let failures = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }
        let targets = try panelTargets()
        #expect(failures.count == targets.count, "\(result.standardOutput)")
        for (title, refID) in targets {
            #expect(
                failures.contains { $0.contains("'\(title)' target \(refID): no data: ") },
                "\(title) \(refID) not reported"
            )
        }
        #expect(result.standardOutput.contains("0 of \(targets.count) targets returned data"))
    }

    @Test("against a Prometheus holding every metric of the contract, every panel target returns data")
    func everyTargetWithData() async throws {
        let folder = try TemporaryDirectory(prefix: "consroute-cli")
        let end = Int64(Date().timeIntervalSince1970) - 60
        let metrics = folder.path("metrics.om")
        try MetricsFixture.openMetrics(endingAt: end, samples: 121).write(
            toFile: metrics,
            atomically: true,
            encoding: .utf8
        )
        let backfill = try await runProcess(
            try installedProgram("promtool"),
            ["tsdb", "create-blocks-from", "openmetrics", metrics, folder.path("data")]
        )
        #expect(backfill.status == 0, "\(backfill.standardOutput)\(backfill.standardError)")
        let prometheus = try await PrometheusServer(storage: folder.path("data"), directory: folder)
        let result = try await check(["--prometheus", prometheus.url, "--time", String(end), "--range", "10m"])
        try await prometheus.shutDown()
        let targets = try panelTargets()
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("\(targets.count) of \(targets.count) targets returned data"))
    }

    @Test("a bad duration argument is refused before anything runs, exit 2")
    func badDuration() async throws {
        let result = try await check(["--prometheus", "http://127.0.0.1:9", "--range", "10x"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("argument --range: '10x' is not a positive duration"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test("an unreachable Prometheus is a clear error, exit 2")
    func unreachablePrometheus() async throws {
        let port = try freeLoopbackPort()
        let result = try await check(["--prometheus", "http://127.0.0.1:\(port)"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("cannot reach Prometheus at http://127.0.0.1:\(port)"))
    }
}
