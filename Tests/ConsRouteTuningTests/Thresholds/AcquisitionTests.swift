import ConsRouteModel
import ConsRouteTuning
import Foundation
import Testing

@Suite("Acquisition and initial design")
struct AcquisitionTests {
    @Test("known answers: expected improvement and probability of feasibility")
    func knownValues() {
        // At mean = best, EI = σ φ(0) = σ / √(2π).
        let atBest = ConstrainedExpectedImprovement.expectedImprovement(mean: 1, standardDeviation: 2, best: 1)
        #expect(abs(atBest - 2 / (2 * Double.pi).squareRoot()) < 1e-12)
        // Without uncertainty EI is the plain gain.
        #expect(ConstrainedExpectedImprovement.expectedImprovement(mean: 3, standardDeviation: 0, best: 1) == 2)
        #expect(ConstrainedExpectedImprovement.expectedImprovement(mean: 0, standardDeviation: 0, best: 1) == 0)
        // P(N(0.95, σ²) >= 0.95) = 1/2; P(N(1, 0.1²) >= 0.9) = Φ(1).
        #expect(
            abs(ConstrainedExpectedImprovement.probabilityAtLeast(0.95, mean: 0.95, standardDeviation: 0.1) - 0.5)
                < 1e-12
        )
        #expect(
            abs(
                ConstrainedExpectedImprovement.probabilityAtLeast(0.9, mean: 1, standardDeviation: 0.1)
                    - 0.841344746068543
            )
                < 1e-9
        )
        let value = ConstrainedExpectedImprovement.value(
            objective: (1, 4),
            quality: (0.95, 0.01),
            best: 1,
            qualityMin: 0.95
        )
        #expect(abs(value - 0.5 * atBest) < 1e-12)
    }

    @Test("seeded Latin hypercubes put one point in every slice of every axis")
    func latinHypercube() {
        var generator = SeededGenerator(seed: 5)
        #expect(LatinHypercubeDesign.maximin(count: 0, dimension: 2, using: &generator).isEmpty)
        for count in [1, 2, 10] {
            let design = LatinHypercubeDesign.maximin(count: count, dimension: 2, using: &generator)
            #expect(design.count == count)
            for axis in 0..<2 {
                let slices = Set(design.map { Int($0[axis] * Double(count)) })
                #expect(slices == Set(0..<count))
            }
        }
    }
}
