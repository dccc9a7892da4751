import ConsRouteLoop
import ConsRouteModel
import Foundation
import Testing

@testable import ConsRouteSimulation

@Suite("Replay report")
struct ReplayReportTests {
    @Test("policy figures: known answer against all-cloud totals, with the quality penalty")
    func figures() {
        var cloud = OutcomeTotals()
        var policy = OutcomeTotals()
        for (tier, score, latency, cost) in [(Tier.device, Float(0.8), 100.0, Float(0)), (.cloud, 1, 400, 2)] {
            policy.add(tier: tier, score: score, latencyMs: latency, cost: cost)
            cloud.add(tier: .cloud, score: 1, latencyMs: 400, cost: 2)
        }
        let weights = ObjectiveWeights.standard
        let figures = PolicyFigures(policy, cloud: cloud, weights: weights)
        #expect(figures.events == 2 && abs(figures.qualityRatio - 0.9) < 1e-7 && figures.latencyRatio == 0.625)
        #expect(figures.costRatio == 0.5 && figures.shares == PolicyFigures.Shares(device: 0.5, edge: 0, cloud: 0.5))
        // U = 0.9 − 0.3·0.625 − 0.3·0.5 − 10·(0.95 − 0.9)
        #expect(abs(figures.objective - (0.9 - 0.1875 - 0.15 - 0.5)) < 1e-6)
        let empty = PolicyFigures(OutcomeTotals(), cloud: OutcomeTotals(), weights: weights)
        #expect(empty.events == 0 && empty.qualityRatio == 0)
    }

    @Test(
        "a ratio whose all-cloud total is 0 is undefined (NaN, \"nan\" in JSON), not 0; the objective normalises by 1"
    )
    func undefinedRatios() throws {
        var cloud = OutcomeTotals()
        var policy = OutcomeTotals()
        // The cloud answered both events wrong, every latency is 0; the device answered one right.
        policy.add(tier: .device, score: 1, latencyMs: 0, cost: 0.5)
        policy.add(tier: .cloud, score: 0, latencyMs: 0, cost: 2)
        for _ in 0..<2 { cloud.add(tier: .cloud, score: 0, latencyMs: 0, cost: 2) }
        let figures = PolicyFigures(policy, cloud: cloud, weights: .standard)
        #expect(figures.qualityRatio.isNaN && figures.latencyRatio.isNaN && figures.costRatio == 0.625)
        #expect(figures.quality == 0.5)
        #expect(PolicyFigures.text(ratio: figures.qualityRatio, digits: 4) == "undefined")
        #expect(PolicyFigures.text(ratio: figures.costRatio, digits: 3) == "0.625")
        // U with Q and L normalised by 1: 0.5 − 0.3·0 − 0.3·0.625 − 10·(0.95 − 0.5).
        #expect(abs(figures.objective - (0.5 - 0.1875 - 4.5)) < 1e-9)
        let json = try ReplayReport.encoder.encode(figures)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"quality_ratio\" : \"nan\"") && text.contains("\"cost_ratio\" : 0.625"))
        let decoded = try ReplayReport.decoder.decode(PolicyFigures.self, from: json)
        #expect(decoded.qualityRatio.isNaN && decoded.costRatio == 0.625)
        // A window with an undefined ratio is neither the lowest nor below q_min.
        var windows = [0.97, 0.99].enumerated().map { window($0, quality: $1) }
        windows[1].policy = figures
        let recovery = ReplayReport.recoveries(
            phases: [.latencyRise(at: 0, tier: .edge, extraMs: 1)],
            windows: windows,
            qMin: 0.95
        )
        #expect(abs(recovery[0].lowestQualityRatio - 0.97) < 1e-6 && recovery[0].eventsToRecover == 0)
    }

    private func window(_ index: Int, quality: Double) -> ReplayReport.Window {
        var totals = OutcomeTotals()
        var cloud = OutcomeTotals()
        totals.add(tier: .edge, score: Float(quality), latencyMs: 1, cost: 1)
        cloud.add(tier: .cloud, score: 1, latencyMs: 1, cost: 1)
        let figures = PolicyFigures(totals, cloud: cloud, weights: .standard)
        return ReplayReport.Window(
            index: index,
            firstEvent: index * 100,
            lastEvent: index * 100 + 99,
            fromMs: 0,
            toMs: 0,
            tableVersion: 1,
            policy: figures,
            static: figures,
            oracle: figures,
            allDevice: figures
        )
    }

    @Test("recovery: none dipped, dipped and recovered, still below at the next phase")
    func recoveries() {
        let qualities = [0.96, 0.96, 0.90, 0.93, 0.97, 0.96, 0.90, 0.91]
        let windows = qualities.enumerated().map { window($0, quality: $1) }
        let phases: [ScenarioPhase] = [
            .latencyRise(at: 0, tier: .edge, extraMs: 1), .newTopic(at: 200, topic: 0, weight: 1),
            .qualityDrop(at: 550, topic: 0, tier: .device, mean: 0.1, headFollows: false),
        ]
        let result = ReplayReport.recoveries(phases: phases, windows: windows, qMin: 0.95)
        #expect(result[0].eventsToRecover == 0 && result[0].lowestQualityRatio >= 0.96 - 1e-6)
        #expect(result[1].eventsToRecover == 200 && abs(result[1].lowestQualityRatio - 0.90) < 1e-6)
        #expect(result[2].eventsToRecover == nil)
        #expect(ReplayReport.recoveries(phases: [], windows: windows, qMin: 0.95).isEmpty)
    }

    @Test("rolling recovery: the events until the floor holds in 1 - alpha of the phase's windows")
    func rollingHold() {
        // 200 events after one phase change at 0; windows of 20 events ending every 10 (at 20, 30, ..., 200).
        // Served 0 where the cloud scored 1 on events 0..<60 and, in the second run, also on 150..<160.
        func recovery(dipAgain: Bool, holdShare: Double) -> ReplayReport.RollingRecovery? {
            var rolling = RollingQuality()
            for i in 0..<200 {
                let bad = i < 60 || (dipAgain && (150..<160).contains(i))
                rolling.add(served: bad ? 0 : 1, cloud: 1)
            }
            return rolling.recoveries(
                phases: [.latencyRise(at: 0, tier: .edge, extraMs: 1)],
                length: 20,
                step: 10,
                qMin: 0.95,
                holdShare: holdShare
            ).first
        }
        // Windows ending at 20...70 hold bad events, from 80 on none: held from 80 events on.
        let once = recovery(dipAgain: false, holdShare: 0.9)
        #expect(once?.eventsToHold == 80 && once?.eventsToRecover == 80 && once?.shareAtOrAboveQMin == 1)
        // The windows ending at 160 and 170 dip again: from 80 on 11 of 13 hold (0.85), from any later start in
        // the first half fewer, so never at 0.9, and from 80 at 0.8.
        #expect(recovery(dipAgain: true, holdShare: 0.9)?.eventsToHold == nil)
        #expect(recovery(dipAgain: true, holdShare: 0.8)?.eventsToHold == 80)
    }

    @Test("rolling windows from the first table on, phases or not")
    func rollingSpan() {
        // 200 events, served 0 where the cloud scored 1 on events 100..<110; windows of 20 ending every 10.
        var rolling = RollingQuality()
        for i in 0..<200 { rolling.add(served: (100..<110).contains(i) ? 0 : 1, cloud: 1) }
        // From event 40: windows ending at 60, 70, ..., 200 (15); those ending at 110 and 120 hold the ten bad events
        // (0.5).
        let span = rolling.span(from: 40, length: 20, step: 10, qMin: 0.95)
        #expect(
            span
                == ReplayReport.RollingSpan(
                    from: 40,
                    windows: 15,
                    shareAtOrAboveQMin: 13.0 / 15,
                    lowestQualityRatio: 0.5
                )
        )
        // Where the cloud scored 0 the ratio is 1 (nothing could be lost), and no window fits after event 190.
        var cloudWrong = RollingQuality()
        for _ in 0..<40 { cloudWrong.add(served: 0, cloud: 0) }
        #expect(cloudWrong.span(from: 0, length: 20, step: 10, qMin: 0.95)?.lowestQualityRatio == 1)
        #expect(rolling.span(from: 190, length: 20, step: 10, qMin: 0.95) == nil)
    }

    @Test(
        "the static and periodic baselines' rolling windows from the first table on are the policy's windows over their own scores"
    )
    func baselinesRolling() throws {
        let scenario = try driftingScenario(events: 5_000)
        var settings = smallReplaySettings(scenario)
        // Only the bootstrap table: the policy is then the static baseline, window for window.
        settings.pipeline.minimumIntervalMs = 1_000_000_000_000
        settings.pipeline.scheduleMs = nil
        settings.pipeline.retuneOnDataGrowth = false
        let report = try replay(scenario, settings)
        #expect(report.tables.count == 1)
        let policy = try #require(report.rollingAfterFirstTable)
        #expect(report.baselines.staticRollingAfterFirstTable == policy)
        #expect(!report.baselines.periodic.isEmpty)
        let qMin = try #require(report.objectiveWeights["q_min"])
        for variant in report.baselines.periodic {
            let span = try #require(variant.rollingAfterFirstTable)
            #expect(span.from == policy.from && span.windows == policy.windows)
            // A mean from the first table on below q_min has a window below it.
            if let after = variant.afterFirstTable, after.qualityRatio < qMin {
                #expect(span.shareAtOrAboveQMin < 1 && span.lowestQualityRatio < qMin)
            }
        }
    }

    @Test("the JSON report uses snake_case keys and decodes back")
    func json() throws {
        let (_, report) = try smallReport()
        let text = String(decoding: try report.jsonData(), as: UTF8.self)
        for key in [
            "\"all_cloud\"", "\"all_device\"", "\"static\"", "\"oracle\"", "\"quality_ratio\"", "\"drift_events\"",
            "\"table_version\"", "\"rolling_after_first_table\"", "\"share_at_or_above_q_min\"",
            "\"static_rolling_after_first_table\"",
        ] {
            #expect(text.contains(key))
        }
        let decoded = try ReplayReport.decoder.decode(ReplayReport.self, from: Data(text.utf8))
        #expect(decoded.policy == report.policy && decoded.windows.count == report.windows.count)
    }

    private func smallReport() throws -> (Scenario, ReplayReport) {
        let scenario = try driftingScenario(events: 5_000)
        return (scenario, try replay(scenario, smallReplaySettings(scenario)))
    }
}
