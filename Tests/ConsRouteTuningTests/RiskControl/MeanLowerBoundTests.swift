import ConsRouteModel
import ConsRouteTuning
import Foundation
import Testing

@Suite("Mean lower bound (PrPl-EB)")
struct MeanLowerBoundTests {
    @Test("covers the true mean of Bernoulli draws in at least 1 - alpha of 2,000 seeded resamples")
    func coverage() {
        var generator = SeededGenerator(seed: 11)
        let alpha = 0.1
        for mean in [0.05, 0.3, 0.8] {
            var misses = 0
            for _ in 0..<2_000 {
                let values = (0..<150).map { _ in generator.nextUnit() < mean ? 1.0 : 0.0 }
                if MeanLowerBound.lowerBound(values, low: 0, high: 1, alpha: alpha) > mean { misses += 1 }
            }
            #expect(Double(misses) / 2_000 <= alpha, "mean \(mean): \(misses) misses")
        }
    }

    @Test("is much tighter than Hoeffding's bound for low-variance values, and never above the sample mean")
    func adaptsToVariance() {
        var generator = SeededGenerator(seed: 3)
        // Values in [-0.95, 1] that are mostly 0 (a policy that mostly agrees with the cloud).
        let values = (0..<2_000).map { _ -> Double in
            let u = generator.nextUnit()
            return u < 0.05 ? -0.95 : (u < 0.12 ? 1 : 0)
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let bound = MeanLowerBound.lowerBound(values, low: -0.95, high: 1, alpha: 0.1)
        let hoeffding = mean - 1.95 * (log(1 / 0.1) / (2 * Double(values.count))).squareRoot()
        #expect(bound < mean)
        #expect(bound > hoeffding + 0.02, "bound \(bound), Hoeffding \(hoeffding), mean \(mean)")
    }

    @Test("the normal quantile matches known values to 1e-9")
    func normalQuantile() {
        let known: [(Double, Double)] = [
            (0.5, 0), (0.9, 1.2815515655446004), (0.975, 1.959963984540054), (0.001, -3.090232306167813),
            (0.02, -2.053748910631823), (0.999999, 4.753424308822899),
        ]
        for (p, z) in known {
            #expect(abs(StandardNormal.quantile(p) - z) < 1e-9, "p \(p)")
        }
    }

    @Test("the stratified normal bound: known answer, and covers a stratified Bernoulli mean in 1 - alpha of resamples")
    func stratifiedNormal() {
        // Two strata, shares 0.25/0.75, means 0.2/0.6, variances 0.16/0.24, 100/300 samples:
        // mean 0.5, variance 0.0625 * 0.16 / 100 + 0.5625 * 0.24 / 300 = 0.00055, z_0.9 = 1.2815515655446004.
        let bound = MeanLowerBound.stratifiedNormalLowerBound(
            means: [0.2, 0.6],
            variances: [0.16, 0.24],
            counts: [100, 300],
            shares: [0.25, 0.75],
            alpha: 0.1,
            worstVariance: 0.25
        )
        #expect(abs(bound - (0.5 - 1.2815515655446004 * 0.00055.squareRoot())) < 1e-12)
        var generator = SeededGenerator(seed: 12)
        let truth = [0.9, 0.5, 0.2]
        let shares = [0.6, 0.3, 0.1]
        let mean = zip(truth, shares).reduce(0) { $0 + $1.0 * $1.1 }
        var misses = 0
        for _ in 0..<2_000 {
            var means: [Double] = []
            var variances: [Double] = []
            for (p, n) in zip(truth, [200, 100, 60]) {
                let draws = (0..<n).map { _ in generator.nextUnit() < p ? 1.0 : 0.0 }
                let m = draws.reduce(0, +) / Double(n)
                means.append(m)
                variances.append(draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1))
            }
            let lower = MeanLowerBound.stratifiedNormalLowerBound(
                means: means,
                variances: variances,
                counts: [200, 100, 60],
                shares: shares,
                alpha: 0.1,
                worstVariance: 0.25
            )
            if lower > mean { misses += 1 }
        }
        #expect(Double(misses) / 2_000 <= 0.12, "\(misses) misses")
    }

    @Test("returns the interval's low end without values")
    func empty() {
        #expect(MeanLowerBound.lowerBound([], low: -1, high: 1, alpha: 0.1) == -1)
    }
}
