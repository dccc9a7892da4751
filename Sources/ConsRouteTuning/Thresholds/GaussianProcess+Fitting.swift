import Foundation

/// Maximum-marginal-likelihood fitting of the kernel hyperparameters (type-II maximum likelihood).
extension GaussianProcess {
    /// Bounds of the fitted length scales, for inputs scaled to the unit cube.
    static let lengthScaleBounds = (lower: 0.01, upper: 10.0)
    /// Bounds of the fitted noise-to-signal variance ratio.
    static let nuggetBounds = (lower: 1e-6, upper: 1.0)

    /// A model whose hyperparameters maximise the marginal likelihood of the observations.
    ///
    /// The prior mean is the targets' mean; the signal variance is profiled out in closed form
    /// (`s² = yᵀ(R + gI)⁻¹y / n` for centred `y`), leaving the log length scales and the log
    /// noise-to-signal ratio `g`, which a compass search maximises within
    /// ``lengthScaleBounds`` and ``nuggetBounds``. Starting from a previous fit (`start`) makes
    /// refits during Bayesian optimisation cheap. Constant targets give a model with negligible
    /// variance that predicts the constant.
    /// - Parameters:
    ///   - inputs: the observed points (scaled to about the unit cube), all of one dimension.
    ///   - targets: the observed values.
    ///   - start: a previous fit to start the search from, or nil for length scales 0.3, g = 1e-4.
    /// - Throws: ``ThresholdTuningError/surrogateFailed(reason:)`` for no observations or mismatched sizes.
    /// - Complexity: O(E n³) for E likelihood evaluations (about 20–60).
    public static func fitted(inputs: [[Double]], targets: [Double], start: GaussianProcess? = nil) throws
        -> GaussianProcess
    {
        guard let d = inputs.first?.count, inputs.count == targets.count, d > 0 else {
            throw ThresholdTuningError.surrogateFailed(
                reason: "needs as many targets as inputs and at least one (got \(inputs.count) and \(targets.count))"
            )
        }
        let n = inputs.count
        let mean = targets.reduce(0, +) / Double(n)
        let centred = targets.map { $0 - mean }
        let startScales =
            start.map(\.kernel.lengthScales).flatMap { $0.count == d ? $0 : nil }
            ?? Array(repeating: 0.3, count: d)
        let startNugget = start.map { $0.noiseVariance / $0.kernel.signalVariance } ?? 1e-4
        let spread = centred.reduce(0) { max($0, abs($1)) }
        guard spread > 1e-12 * max(1, abs(mean)) else {
            return try GaussianProcess(
                inputs: inputs,
                targets: targets,
                kernel: MaternKernel(lengthScales: startScales, signalVariance: 1e-12),
                noiseVariance: 1e-14,
                priorMean: mean
            )
        }
        let likelihood = ProfileLikelihood(points: inputs.flatMap { $0 }, count: n, dimension: d, centred: centred)
        var theta = startScales.map { Foundation.log($0) } + [Foundation.log(startNugget)]
        let lower =
            Array(repeating: Foundation.log(lengthScaleBounds.lower), count: d)
            + [Foundation.log(nuggetBounds.lower)]
        let upper =
            Array(repeating: Foundation.log(lengthScaleBounds.upper), count: d)
            + [Foundation.log(nuggetBounds.upper)]
        for c in 0...d { theta[c] = min(max(theta[c], lower[c]), upper[c]) }
        var best = likelihood.evaluate(theta)
        var step = start == nil ? 1.0 : 0.25
        while step >= 0.06 {
            var improved = false
            for c in 0...d {
                for sign in [1.0, -1.0] {
                    var trial = theta
                    trial[c] = min(max(trial[c] + sign * step, lower[c]), upper[c])
                    guard trial[c] != theta[c] else { continue }
                    let candidate = likelihood.evaluate(trial)
                    if let value = candidate?.negativeLogLikelihood,
                        value < (best?.negativeLogLikelihood ?? .infinity) - 1e-9
                    {
                        theta = trial
                        best = candidate
                        improved = true
                        break
                    }
                }
            }
            if !improved { step /= 2 }
        }
        guard let fit = best else {
            throw ThresholdTuningError.surrogateFailed(
                reason: "no hyperparameters give a positive-definite kernel matrix"
            )
        }
        let kernel = MaternKernel(lengthScales: theta[0..<d].map { exp($0) }, signalVariance: fit.signalVariance)
        return GaussianProcess(
            kernel: kernel,
            noiseVariance: exp(theta[d]) * fit.signalVariance,
            priorMean: mean,
            inputs: inputs.flatMap { $0 },
            targets: targets,
            factor: fit.factor
        )
    }
}

/// The profiled negative log marginal likelihood of centred targets as a function of
/// `θ = (log ℓ_1, ..., log ℓ_d, log g)`.
private struct ProfileLikelihood {
    let count: Int
    let dimension: Int
    let centred: [Double]
    /// Squared coordinate differences of every pair `j < i`, per dimension.
    private let squaredDifferences: [[Double]]

    struct Evaluation {
        let negativeLogLikelihood: Double
        let signalVariance: Double
        let factor: CholeskyFactorization
    }

    init(points: [Double], count: Int, dimension: Int, centred: [Double]) {
        self.count = count
        self.dimension = dimension
        self.centred = centred
        squaredDifferences = (0..<dimension).map { c in
            var values = [Double](repeating: 0, count: count * count)
            for i in 0..<count {
                for j in 0..<i {
                    let delta = points[i * dimension + c] - points[j * dimension + c]
                    values[i * count + j] = delta * delta
                }
            }
            return values
        }
    }

    /// The evaluation at `theta`, or nil if the matrix is not positive definite.
    func evaluate(_ theta: [Double]) -> Evaluation? {
        let n = count
        let weights = (0..<dimension).map { exp(-2 * theta[$0]) }
        let nugget = exp(theta[dimension])
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = 1 + nugget
            for j in 0..<i {
                var r2 = 0.0
                for c in 0..<dimension { r2 += squaredDifferences[c][i * n + j] * weights[c] }
                let rho = MaternKernel.correlation(scaledSquaredDistance: r2)
                matrix[i * n + j] = rho
                matrix[j * n + i] = rho
            }
        }
        guard let factor = CholeskyFactorization(matrix, order: n) else { return nil }
        var z = centred
        factor.solveLower(&z)
        let quadratic = z.reduce(0) { $0 + $1 * $1 }
        let signalVariance = max(quadratic / Double(n), 1e-300)
        let value = 0.5 * Double(n) * log(signalVariance) + 0.5 * factor.logDeterminant
        return Evaluation(negativeLogLikelihood: value, signalVariance: signalVariance, factor: factor)
    }
}
