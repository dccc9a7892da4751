import ConsRouteModel
import ConsRouteTestSupport
import Foundation
import Testing

/// Issue 6's dashboard check, for real: `consroute serve` (embedded broker) fed by `consroute simulate`, scraped by
/// a real Prometheus on loopback, and every panel query of `dashboards/` must return data.
@Suite("Dashboards against a live controller")
struct DashboardLiveTests {
    @Test("every panel target returns data from a Prometheus scraping a controller fed by the simulator")
    func everyPanelHasData() async throws {
        let folder = try TemporaryDirectory(prefix: "consroute-cli")
        let port = try freeLoopbackPort()
        let key = TableSigningKey()
        try Data(KeyFile.privateKeyFile(key)).write(to: folder.url.appendingPathComponent("consroute.key"))
        try Data(KeyFile.publicKeyFile(key.verifyingKey)).write(to: folder.url.appendingPathComponent("consroute.pub"))
        // The demo scenario's fleet, with loop timings short enough for a test (a debug build: one k, small windows).
        // The re-clustering of the first table can happen before Prometheus's first scrape, so the test needs one
        // later: the scenario's new topic at 60,000 events.
        let configuration = """
            http: {port: \(port), admin_token_file: \(folder.path("admin.token"))}
            history: {path: \(folder.path("history.sqlite"))}
            keys: {signing_key_file: \(folder.path("consroute.key"))}
            loop: {tick_ms: 200}
            fleets:
              - name: drift-demo
                dimension: 64
                fingerprint: {representation_model: synthetic/drift-demo, reranker: synthetic, prompt_template: synthetic}
                clusters: {k_min: 8, k_max: 8}
                window: {representations: 20000, shadow_samples: 5000}
                loop: {bootstrap_events: 3000, debounce_s: 1, minimum_interval_s: 2, schedule_s: 5}
            """
        try configuration.write(toFile: folder.path("controller.yaml"), atomically: true, encoding: .utf8)
        // Prometheus first, so it scrapes the controller from its first second: a run that happens before the first
        // scrape would show no increase.
        let prometheus = try await PrometheusServer(
            storage: folder.path("prometheus"),
            directory: folder,
            scrapeTargets: ["127.0.0.1:\(port)"],
            // 2 s: the scrape timeout is the interval, and under the whole suite's load on two cores a 1 s timeout
            // lost enough scrapes that a 16 s rate ratio (messages per batch) had no window with two samples.
            scrapeInterval: "2s"
        )
        defer { prometheus.stop() }
        // The panels are checked over the run, as a Grafana time-series panel draws it: from here to the end.
        let startedAt = String(Int(Date().timeIntervalSince1970))
        let controller = try ChildProcess(consroute: [
            "serve", "--config", folder.path("controller.yaml"), "--log-level", "warning",
        ])
        defer { controller.stop() }
        let line = try await controller.firstLine(within: .seconds(60))
        let broker = try #require(line.split(separator: " ").drop { $0 != "broker" }.dropFirst().first.map(String.init))

        let simulation = try await runConsroute([
            "simulate", "--scenario", repositoryRoot.appendingPathComponent("config/scenarios/demo.yaml").path,
            "--url", "http://127.0.0.1:\(port)", "--brokers", broker, "--public-key", folder.path("consroute.pub"),
            // 2,000 events/s: ingestion spans about 40 scrapes, so a few scrapes missed on a loaded machine cannot
            // hide every increase of the ingest counters from the 16 s rate windows.
            "--devices", "40", "--events", "75000", "--rate", "2000", "--progress-every", "60",
        ])
        #expect(simulation.status == 0, "\(simulation.standardOutput)\(simulation.standardError)")
        // A run that the scenario's new topic (at 60,000 events) triggers can start after the simulator has sent
        // its last event: wait until Prometheus has seen a re-clustering counted after its first scrape (at most
        // 60 s), then a few more scrapes.
        let rose = "increase(consroute_recluster_duration_seconds_count[5m]) > 0"
        for _ in 0..<30 {
            let answer = try await runProcess(
                try installedProgram("curl"),
                ["-s", "\(prometheus.url)/api/v1/query", "--data-urlencode", "query=\(rose)"]
            )
            if answer.standardOutput.contains("\"value\"") { break }
            try await Task.sleep(for: .seconds(2))
        }
        try await Task.sleep(for: .seconds(5))
        let result = try await runProcess(
            try installedProgram("python3"),
            [
                repositoryRoot.appendingPathComponent("scripts/check-dashboards.py").path, "--prometheus",
                prometheus.url,
                // A range query over the whole run, one point every 4 s: an instant query at one moment was NaN
                // for a rate window after the end of ingestion (at "now") or for a run after it (at the simulator's
                // end). A target passes if any point has data, as a panel over the run would show.
                "--scrape-interval", "2s", "--interval", "4s", "--range", "5m", "--from", startedAt,
            ]
        )
        if result.status != 0 {
            // What Prometheus holds, to tell a lost scrape (`up` 0, or gaps) from a counter that did not move.
            for query in [
                "consroute_recluster_duration_seconds_count[5m]", "consroute_ingest_batches_total[5m]", "up[5m]",
            ] {
                let series = try await runProcess(
                    try installedProgram("curl"),
                    ["-s", "\(prometheus.url)/api/v1/query", "--data-urlencode", "query=\(query)"]
                )
                Issue.record("\(query): \(series.standardOutput)")
            }
        }
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("targets returned data"))
        try await prometheus.shutDown()
        controller.stop()
        #expect(await controller.exitStatus() == 0)
    }
}
