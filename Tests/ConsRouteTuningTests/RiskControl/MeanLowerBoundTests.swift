import ConsRouteTuning
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

    @Test("returns the interval's low end without values")
    func empty() {
        #expect(MeanLowerBound.lowerBound([], low: -1, high: 1, alpha: 0.1) == -1)
    }
}

import Foundation
