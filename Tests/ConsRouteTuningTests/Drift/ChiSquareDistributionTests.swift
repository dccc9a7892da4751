import ConsRouteTuning
import Testing

@Suite("Chi-square distribution")
struct ChiSquareDistributionTests {
    @Test(
        "critical values match published tables",
        arguments: [
            (0.05, 1, 3.841459), (0.01, 10, 23.209251), (0.001, 15, 37.697298), (1e-6, 15, 56.493442),
            (0.5, 2, 1.386294),
        ]
    )
    func criticalValues(tail: Double, degrees: Int, expected: Double) {
        let value = ChiSquareDistribution.criticalValue(upperTail: tail, degreesOfFreedom: degrees)
        #expect(abs(value - expected) < 1e-5 * expected, "χ²(\(degrees)) at \(tail): \(value)")
    }

    @Test("survival with two degrees of freedom is exp(-x/2)", arguments: [0.1, 1, 5, 40])
    func survivalTwoDegrees(x: Double) {
        let value = ChiSquareDistribution.survival(x, degreesOfFreedom: 2)
        let expected = 1 / (x / 2).exponentialForTest
        #expect(abs(value - expected) < 1e-12 * expected)
    }

    @Test("survival is 1 at zero and below, and decreasing")
    func survivalShape() {
        #expect(ChiSquareDistribution.survival(0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquareDistribution.survival(-2, degreesOfFreedom: 3) == 1)
        let points = stride(from: 0.5, through: 60, by: 0.5).map {
            ChiSquareDistribution.survival($0, degreesOfFreedom: 7)
        }
        #expect(zip(points, points.dropFirst()).allSatisfy { $0 > $1 })
    }
}

extension Double {
    /// e^self for self ≥ 0 by its series (all terms positive), independent of the code under test.
    fileprivate var exponentialForTest: Double {
        var term = 1.0
        var sum = 1.0
        for n in 1..<200 {
            term *= self / Double(n)
            sum += term
        }
        return sum
    }
}
