import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteLoop

@Suite("Canary comparison: the sequential test of a canary against its control")
struct CanaryComparisonTests {
    /// Reranker-consistency reference: cloud score 1, 400 ms, cost 0.01; the default weights 0.3 and 0.3.
    static let objective = CanaryObjective(
        weights: .standard,
        reference: CanaryObjective.Reference(qualityCloud: 1, latencyCloudMs: 400, costCloud: 0.01)
    )

    static func settings(minimumSamples: Int = 100, maximumDurationMs: Int64 = 60_000) -> CanaryRolloutSettings {
        var settings = CanaryRolloutSettings()
        settings.canaryPercent = 10
        settings.minimumSamples = minimumSamples
        settings.maximumDurationMs = maximumDurationMs
        settings.alpha = 0.05
        settings.margin = 0.05
        return settings
    }

    @Test("the empirical-Bernstein radius: known value, whole range below two samples, capped at the range")
    func boundKnownAnswers() {
        // 10,000 values, half 0 half 1: sqrt(2 V L / n) + 7 L / (3 (n - 1)), L = ln(4 n (n + 1) / delta).
        let radius = EmpiricalBernsteinBound.radius(
            count: 10_000,
            variance: 0.25 * 10_000 / 9_999,
            range: 1,
            delta: 0.025
        )
        #expect(abs(radius - 0.0397599740148316) < 1e-12)
        #expect(EmpiricalBernsteinBound.radius(count: 0, variance: 0, range: 2.5, delta: 0.05) == 2.5)
        #expect(EmpiricalBernsteinBound.radius(count: 1, variance: 0, range: 2.5, delta: 0.05) == 2.5)
        #expect(EmpiricalBernsteinBound.radius(count: 3, variance: 1, range: 1, delta: 0.05) == 1)
        // More samples, a narrower bound.
        let smaller = EmpiricalBernsteinBound.radius(count: 20_000, variance: 0.25, range: 1, delta: 0.025)
        #expect(smaller < radius)
    }

    @Test("an arm's running mean and unbiased variance")
    func armStatistics() {
        var arm = CanaryComparison.ArmStatistics()
        #expect(arm.count == 0 && arm.mean == 0 && arm.variance == 0)
        arm.add(1)
        #expect(arm.count == 1 && arm.mean == 1 && arm.variance == 0)
        for value in [2.0, 3, 4] { arm.add(value) }
        #expect(arm.count == 4 && arm.mean == 2.5)
        #expect(abs(arm.variance - 5.0 / 3) < 1e-12)
    }

    @Test("the per-sample objective of the routed tier, relative to all-cloud, clipped to its bounds")
    func perSampleObjective() {
        let outcome = ShadowOutcome(
            score: TierValues(device: 0.5, edge: 0.8, cloud: 1),
            latencyMs: TierValues(device: 2_000, edge: 100, cloud: 400),
            cost: TierValues(device: 0, edge: 0.002, cloud: 0.01)
        )
        let objective = Self.objective
        #expect(abs(objective.value(outcome, servedBy: .edge) - (0.8 - 0.3 * 0.25 - 0.3 * 0.2)) < 1e-6)
        #expect(abs(objective.value(outcome, servedBy: .cloud) - 0.4) < 1e-6)
        // 2,000 ms is 5x the reference: the latency ratio is clipped at 3.
        #expect(abs(objective.value(outcome, servedBy: .device) - (0.5 - 0.3 * 3)) < 1e-6)
        #expect(abs(objective.bounds.lowerBound + 1.8) < 1e-12 && objective.bounds.upperBound == 1)
        // Without a cost reference the cost term is left out.
        let free = CanaryObjective(
            weights: .standard,
            reference: CanaryObjective.Reference(qualityCloud: 1, latencyCloudMs: 400, costCloud: 0)
        )
        #expect(abs(free.value(outcome, servedBy: .edge) - (0.8 - 0.3 * 0.25)) < 1e-6)
        let reference = CanaryObjective.Reference(samples: [outcome, outcome])
        #expect(
            reference == CanaryObjective.Reference(qualityCloud: 1, latencyCloudMs: 400, costCloud: Double(Float(0.01)))
        )
        #expect(CanaryObjective.Reference(samples: []) == nil)
    }

    @Test("known verdicts: promote, inferior, not enough samples, timed out")
    func knownVerdicts() {
        // Constant arms: variance 0, radius 7 R L / (3 (n - 1)) with R = 2.8, n = 1000, delta = alpha / 2.
        let radius = 0.12354921719092798
        var better = CanaryComparison(settings: Self.settings(), objective: Self.objective)
        for _ in 0..<1_000 {
            better.add(0.7, arm: .canary)
            better.add(0.4, arm: .control)
        }
        #expect(abs(better.figures.lowerBound - (0.3 - 2 * radius)) < 1e-12)
        #expect(abs(better.figures.upperBound - (0.3 + 2 * radius)) < 1e-12)
        #expect(better.verdict(elapsedMs: 0) == .promote)

        var worse = CanaryComparison(settings: Self.settings(), objective: Self.objective)
        for _ in 0..<1_000 {
            worse.add(0.1, arm: .canary)
            worse.add(0.4, arm: .control)
        }
        #expect(abs(worse.figures.upperBound - (-0.3 + 2 * radius)) < 1e-12)
        #expect(worse.verdict(elapsedMs: 0) == .inferior)

        // The same evidence as `better`, short of the minimum samples: no promotion yet; at the time limit, rollback.
        var early = CanaryComparison(settings: Self.settings(minimumSamples: 2_000), objective: Self.objective)
        for _ in 0..<1_000 {
            early.add(0.7, arm: .canary)
            early.add(0.4, arm: .control)
        }
        #expect(early.verdict(elapsedMs: 59_999) == .undecided)
        #expect(early.verdict(elapsedMs: 60_000) == .timedOut)

        // No samples: the bounds span every possible difference.
        let empty = CanaryComparison(settings: Self.settings(), objective: Self.objective)
        #expect(abs(empty.figures.lowerBound + 2.8) < 1e-12 && abs(empty.figures.upperBound - 2.8) < 1e-12)
        #expect(empty.verdict(elapsedMs: 0) == .undecided)
    }

    /// Runs the test on simulated arms (uniform noise of width 1 around each mean), looking every 50 samples per
    /// arm, until it decides or each arm has `samples`; returns the verdicts and how many runs had a look whose
    /// bounds missed the true difference (the confidence sequence's failures, at most alpha of the runs).
    private static func simulate(
        runs: Int,
        canaryMean: Double,
        controlMean: Double,
        samples: Int,
        seed: UInt64
    ) -> (verdicts: [CanaryComparison.Verdict], missed: Int) {
        var generator = SeededGenerator(seed: seed)
        var verdicts: [CanaryComparison.Verdict] = []
        var missed = 0
        for _ in 0..<runs {
            var comparison = CanaryComparison(
                settings: settings(minimumSamples: 100, maximumDurationMs: .max),
                objective: objective
            )
            var verdict = CanaryComparison.Verdict.undecided
            for look in 1...(samples / 50) {
                for _ in 0..<50 {
                    comparison.add(canaryMean + generator.nextUnit() - 0.5, arm: .canary)
                    comparison.add(controlMean + generator.nextUnit() - 0.5, arm: .control)
                }
                verdict = comparison.verdict(elapsedMs: Int64(look))
                let figures = comparison.figures
                if !(figures.lowerBound...figures.upperBound).contains(canaryMean - controlMean) {
                    missed += 1
                    break
                }
                if verdict != .undecided { break }
            }
            verdicts.append(verdict)
        }
        return (verdicts, missed)
    }

    @Test("simulated error rates stay below alpha at every look; a clearly better canary is promoted")
    func simulatedErrorRates() {
        let runs = 200
        // A canary exactly at the margin (0.05 worse): promoting it is the error the test bounds by alpha.
        let atMargin = Self.simulate(runs: runs, canaryMean: 0.35, controlMean: 0.4, samples: 3_000, seed: 7)
        let wrongPromotions = atMargin.verdicts.filter { $0 == .promote }.count
        #expect(Double(wrongPromotions) / Double(runs) <= 0.05, "\(wrongPromotions) wrong promotions in \(runs)")
        #expect(
            Double(atMargin.missed) / Double(runs) <= 0.05,
            "bounds missed the difference in \(atMargin.missed) runs"
        )

        // An equal canary: rolling it back as inferior is the other error.
        let equal = Self.simulate(runs: runs, canaryMean: 0.4, controlMean: 0.4, samples: 3_000, seed: 8)
        let wrongRollbacks = equal.verdicts.filter { $0 == .inferior }.count
        #expect(Double(wrongRollbacks) / Double(runs) <= 0.05, "\(wrongRollbacks) wrong rollbacks in \(runs)")
        #expect(Double(equal.missed) / Double(runs) <= 0.05, "bounds missed the difference in \(equal.missed) runs")

        // Power: 0.1 better is promoted, 0.2 worse rolled back, in nearly every run.
        let better = Self.simulate(runs: runs, canaryMean: 0.5, controlMean: 0.4, samples: 5_000, seed: 9)
        #expect(better.verdicts.filter { $0 == .promote }.count >= runs * 9 / 10)
        let worse = Self.simulate(runs: runs, canaryMean: 0.2, controlMean: 0.4, samples: 5_000, seed: 10)
        #expect(worse.verdicts.filter { $0 == .inferior }.count >= runs * 9 / 10)
    }
}
