import ConsRouteLiveSimulation
import ConsRouteModel
import ConsRouteSimulation
import ConsRouteStore
import Foundation

/// What a demo run did, from the fleet's side (the simulator's full-information ledger) and the controller's
/// (its history), and the summary the demo ends with.
struct DemoOutcome {
    struct TableLine {
        var version: UInt64
        var trigger: String
        var clusters: Int
        var expectedQualityRatio: Double
    }

    let progress: LiveProgress
    let tables: [TableLine]
    let driftCounts: [(signal: String, count: Int)]
    let qualityTarget: Double
    let ingested: Int
    let lost: Int
    let seconds: Double
    let url: String
    let fleet: String

    init(
        progress: LiveProgress,
        store: HistoryStore,
        fleet: String,
        qualityTarget: Double,
        ingested: Int,
        lost: Int,
        seconds: Double,
        url: String
    ) async throws {
        self.lost = lost
        self.progress = progress
        self.qualityTarget = qualityTarget
        self.ingested = ingested
        self.seconds = seconds
        self.url = url
        self.fleet = fleet
        let records = try await store.tables(HistoryQuery(fleet: fleet)).sorted { $0.version < $1.version }
        tables = records.compactMap { record in
            guard let table = try? record.signedTable().table else { return nil }
            return TableLine(
                version: table.version,
                trigger: table.provenance.trigger,
                clusters: table.clusters.count,
                expectedQualityRatio: table.expected.qualityRatio
            )
        }
        var counts: [String: Int] = [:]
        for event in try await store.driftEvents(HistoryQuery(fleet: fleet)) { counts[event.signal, default: 0] += 1 }
        driftCounts = counts.sorted { $0.key < $1.key }.map { (signal: $0.key, count: $0.value) }
    }

    var driftTriggeredTables: Int { tables.filter { $0.trigger.hasPrefix("drift") }.count }
    var qualityRatio: Double { progress.run?.qualityRatio ?? 0 }
    var succeeded: Bool { driftTriggeredTables > 0 && qualityRatio >= qualityTarget }

    func summary(workspace: DemoWorkspace) -> String {
        var text =
            "\nSummary: \(progress.eventsDelivered) events from \(progress.devices) devices in "
            + String(format: "%.0f s", seconds) + "; the controller ingested \(ingested)"
            + (lost > 0 ? " (\(lost) were gone from the embedded broker before it read them: it fell behind)" : "")
            + ".\n"
        text += "\nTables published (\(tables.count)):\n"
        for table in tables {
            let trigger = table.trigger.count > 70 ? String(table.trigger.prefix(67)) + "..." : table.trigger
            text +=
                "  v\(table.version)  \(table.clusters) clusters  expected quality ratio "
                + String(format: "%.3f", table.expectedQualityRatio) + "  \(trigger)\n"
        }
        let drift = driftCounts.map { "\($0.signal) \($0.count)" }.joined(separator: ", ")
        text += "Drift events: \(drift.isEmpty ? "none" : drift)\n"
        if let run = progress.run {
            text += "\nThe fleet, against sending everything to the cloud (whole run):\n"
            text += String(
                format: "  quality ratio %.3f   latency ratio %.3f   cost ratio %.3f\n",
                run.qualityRatio,
                run.latencyRatio,
                run.costRatio
            )
            text += String(
                format: "  served by device %.0f%%, edge %.0f%%, cloud %.0f%%\n",
                100 * run.shares.device,
                100 * run.shares.edge,
                100 * run.shares.cloud
            )
        }
        text += "\n  \(driftTriggeredTables > 0 ? "✓" : "✗") drift-triggered tables: \(driftTriggeredTables)\n"
        text +=
            "  \(qualityRatio >= qualityTarget ? "✓" : "✗") quality ratio "
            + String(format: "%.3f", qualityRatio) + " (q_min \(qualityTarget))\n"
        let db = workspace.historyPath
        // The way this process was started, so the commands work without consroute on PATH.
        let consroute = CommandLine.arguments.first ?? "consroute"
        text += """

            Where to look next:
              \(consroute) history tables --db \(db)
              \(consroute) history drift --db \(db)
              \(consroute) history runs --db \(db)        (and: history stats, --json on each)
              \(consroute) serve --config \(workspace.configurationPath)
                  then: curl \(url)/v1/fleets/\(fleet)/table | /status | /metrics
                        \(consroute) subscribe --url \(url) --fleet \(fleet) --public-key \(workspace.publicKeyPath) --fingerprint-from-first
              dashboards/: Grafana dashboard and Prometheus scrape config (docs/operations.md, "Dashboards")
              controller log: \(workspace.logPath)

            """
        return text
    }
}
