import ConsRouteModel
import ConsRouteTuning
import Foundation
import Testing

@Suite("Gaussian process")
struct GaussianProcessTests {
    /// Matérn-5/2 by hand: s² (1 + √5 d/ℓ + 5 d²/(3 ℓ²)) exp(-√5 d/ℓ).
    static func matern(_ d: Double, lengthScale: Double, signal: Double) -> Double {
        let a = 5.0.squareRoot() * abs(d) / lengthScale
        return signal * (1 + a + a * a / 3) * exp(-a)
    }

    @Test("known answer: posterior mean and variance on 3 points, by a hand 3 x 3 inverse")
    func threePoints() throws {
        let x = [0.0, 0.5, 1.0]
        let y = [1.0, -1.0, 2.0]
        let (lengthScale, signal, noise, star) = (0.5, 2.0, 0.1, 0.25)
        let model = try GaussianProcess(
            inputs: x.map { [$0] },
            targets: y,
            kernel: MaternKernel(lengthScales: [lengthScale], signalVariance: signal),
            noiseVariance: noise
        )

        // K + σn² I is symmetric: [[a, b, c], [b, a, b], [c, b, a]].
        let a = signal + noise
        let b = Self.matern(0.5, lengthScale: lengthScale, signal: signal)
        let c = Self.matern(1.0, lengthScale: lengthScale, signal: signal)
        let determinant = a * (a * a - b * b) - b * (b * a - b * c) + c * (b * b - a * c)
        let inverse: [[Double]] = [
            [a * a - b * b, -(b * a - c * b), b * b - a * c],
            [-(b * a - b * c), a * a - c * c, -(a * b - c * b)],
            [b * b - a * c, -(a * b - b * c), a * a - b * b],
        ].map { $0.map { $0 / determinant } }
        let kStar = x.map { Self.matern($0 - star, lengthScale: lengthScale, signal: signal) }
        var mean = 0.0
        var explained = 0.0
        for i in 0..<3 {
            for j in 0..<3 {
                mean += kStar[i] * inverse[i][j] * y[j]
                explained += kStar[i] * inverse[i][j] * kStar[j]
            }
        }
        let prediction = model.predict([star])
        #expect(abs(prediction.mean - mean) < 1e-12)
        #expect(abs(prediction.variance - (signal - explained)) < 1e-12)
    }

    @Test("noise-free posterior interpolates the observations with zero variance there")
    func interpolates() throws {
        let inputs = [[0.1, 0.2], [0.5, 0.9], [0.8, 0.3]]
        let targets = [3.0, -2.0, 0.5]
        let model = try GaussianProcess(
            inputs: inputs,
            targets: targets,
            kernel: MaternKernel(lengthScales: [0.3, 0.6], signalVariance: 1.5),
            noiseVariance: 0,
            priorMean: 1
        )
        for (input, target) in zip(inputs, targets) {
            let prediction = model.predict(input)
            #expect(abs(prediction.mean - target) < 1e-9)
            #expect(prediction.variance < 1e-9)
        }
        // Far away the posterior returns to the prior.
        let far = model.predict([50, 50])
        #expect(abs(far.mean - 1) < 1e-9)
        #expect(abs(far.variance - 1.5) < 1e-9)
    }

    @Test("fitted hyperparameters predict a smooth function between seeded random observations")
    func fitted() throws {
        var generator = SeededGenerator(seed: 3)
        func f(_ p: [Double]) -> Double { sin(3 * p[0]) + 0.5 * p[1] * p[1] }
        let inputs = (0..<30).map { _ in [generator.nextUnit(), generator.nextUnit()] }
        let model = try GaussianProcess.fitted(inputs: inputs, targets: inputs.map(f))
        for _ in 0..<50 {
            let point = [0.1 + 0.8 * generator.nextUnit(), 0.1 + 0.8 * generator.nextUnit()]
            #expect(abs(model.predict(point).mean - f(point)) < 0.1)
        }
        // The function varies faster along the first axis: a shorter length scale there.
        #expect(model.kernel.lengthScales[0] < model.kernel.lengthScales[1])
    }

    @Test("edge cases: one observation, constant targets, bad inputs")
    func edgeCases() throws {
        let one = try GaussianProcess.fitted(inputs: [[0.5, 0.5]], targets: [2])
        #expect(abs(one.predict([0.5, 0.5]).mean - 2) < 1e-9)
        let constant = try GaussianProcess.fitted(inputs: [[0.1, 0.1], [0.9, 0.9]], targets: [4, 4])
        #expect(abs(constant.predict([0.3, 0.7]).mean - 4) < 1e-9)
        #expect(throws: ThresholdTuningError.self) {
            try GaussianProcess.fitted(inputs: [], targets: [])
        }
        #expect(throws: ThresholdTuningError.self) {
            try GaussianProcess(
                inputs: [[0.1], [0.1]],
                targets: [1, 2],
                kernel: MaternKernel(lengthScales: [0.5], signalVariance: 1),
                noiseVariance: 0
            )
        }
    }
}
