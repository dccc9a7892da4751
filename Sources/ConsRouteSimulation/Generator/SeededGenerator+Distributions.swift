import ConsRouteModel
import ConsRouteTuning
import Foundation

extension SeededGenerator {
    /// A Gamma(shape, 1) variate (Marsaglia–Tsang; shapes below 1 by the `U^(1/shape)` boost).
    ///
    /// - Complexity: O(1) expected.
    mutating func nextGamma(shape: Double) -> Double {
        if shape < 1 {
            let boost = pow(max(nextUnit(), .leastNormalMagnitude), 1 / shape)
            return nextGamma(shape: shape + 1) * boost
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A uniform integer in `0..<bound` (bound > 0).
    mutating func nextIndex(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
