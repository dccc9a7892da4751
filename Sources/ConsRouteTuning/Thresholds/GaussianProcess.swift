/// A Gaussian-process regression model with a Matérn-5/2 kernel and a constant prior mean.
///
/// `f ~ GP(priorMean, k)`, observations `y = f(x) + ε`, `ε ~ N(0, noiseVariance)`. The posterior
/// at `x*` has mean `priorMean + k*ᵀ (K + σn² I)⁻¹ (y - priorMean)` and latent variance
/// `k(x*, x*) - k*ᵀ (K + σn² I)⁻¹ k*`. Build one with fixed hyperparameters here, or fit them
/// by maximum marginal likelihood with ``fitted(inputs:targets:start:)``.
public struct GaussianProcess: Sendable {
    /// The kernel (length scales and signal variance).
    public let kernel: MaternKernel
    /// σn², the observation noise variance.
    public let noiseVariance: Double
    /// The constant prior mean.
    public let priorMean: Double
    /// The input dimension.
    public let dimension: Int
    /// The number of observations.
    public let count: Int

    /// Observed inputs, row-major `count x dimension`.
    let inputs: [Double]
    /// Cholesky factor of the correlation matrix `R + (σn²/s²) I`.
    let factor: CholeskyFactorization
    /// `(R + (σn²/s²) I)⁻¹ (y - priorMean)`.
    let weights: [Double]

    /// Conditions the prior on observations.
    /// - Parameters:
    ///   - inputs: the observed points, each of the kernel's dimension.
    ///   - targets: the observed values, one per point.
    ///   - kernel: the covariance.
    ///   - noiseVariance: σn² >= 0.
    ///   - priorMean: the constant prior mean.
    /// - Throws: ``ThresholdTuningError/surrogateFailed(reason:)`` for mismatched sizes, no
    ///   observations, a non-positive length scale or variance, or a singular kernel matrix.
    /// - Complexity: O(n³) in the number of observations.
    public init(
        inputs: [[Double]],
        targets: [Double],
        kernel: MaternKernel,
        noiseVariance: Double,
        priorMean: Double = 0
    ) throws {
        let d = kernel.lengthScales.count
        guard !inputs.isEmpty, inputs.count == targets.count else {
            throw ThresholdTuningError.surrogateFailed(
                reason: "needs as many targets as inputs and at least one (got \(inputs.count) and \(targets.count))"
            )
        }
        if let bad = inputs.firstIndex(where: { $0.count != d }) {
            throw ThresholdTuningError.surrogateFailed(
                reason: "input \(bad) has \(inputs[bad].count) coordinates, the kernel has \(d) length scales"
            )
        }
        guard kernel.lengthScales.allSatisfy({ $0 > 0 }), kernel.signalVariance > 0, noiseVariance >= 0 else {
            throw ThresholdTuningError.surrogateFailed(
                reason: "length scales and signal variance must be > 0 and noise variance >= 0"
            )
        }
        let flat = inputs.flatMap { $0 }
        let correlation = Self.correlationMatrix(
            flat,
            count: inputs.count,
            inverseScales: kernel.lengthScales.map { 1 / $0 },
            nugget: noiseVariance / kernel.signalVariance
        )
        guard let factor = CholeskyFactorization(correlation, order: inputs.count) else {
            throw ThresholdTuningError.surrogateFailed(
                reason: "the kernel matrix is singular; add noise variance or remove duplicate inputs"
            )
        }
        self.init(
            kernel: kernel,
            noiseVariance: noiseVariance,
            priorMean: priorMean,
            inputs: flat,
            targets: targets,
            factor: factor
        )
    }

    /// Assembles a model from an already factored correlation matrix.
    init(
        kernel: MaternKernel,
        noiseVariance: Double,
        priorMean: Double,
        inputs: [Double],
        targets: [Double],
        factor: CholeskyFactorization
    ) {
        self.kernel = kernel
        self.noiseVariance = noiseVariance
        self.priorMean = priorMean
        self.dimension = kernel.lengthScales.count
        self.count = targets.count
        self.inputs = inputs
        self.factor = factor
        self.weights = factor.solve(targets.map { $0 - priorMean })
    }

    /// The posterior mean and latent variance at one point.
    /// - Parameter point: a point of the model's dimension.
    /// - Complexity: O(n²).
    public func predict(_ point: [Double]) -> (mean: Double, variance: Double) {
        var mean = [0.0]
        var variance = [0.0]
        predict(points: point, means: &mean, variances: &variance)
        return (mean[0], variance[0])
    }

    /// The posterior means and latent variances at many points.
    /// - Parameters:
    ///   - points: row-major `m x dimension` coordinates.
    ///   - means: receives `m` means (resized).
    ///   - variances: receives `m` variances (resized), each >= 0.
    /// - Complexity: O(m n²).
    public func predict(points: [Double], means: inout [Double], variances: inout [Double]) {
        let m = points.count / dimension
        let n = count
        let d = dimension
        means = [Double](repeating: 0, count: m)
        variances = [Double](repeating: 0, count: m)
        let inverseScales = kernel.lengthScales.map { 1 / $0 }
        let signal = kernel.signalVariance
        var scratch = [Double](repeating: 0, count: n)
        scratch.withUnsafeMutableBufferPointer { k in
            inputs.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { alpha in
                    points.withUnsafeBufferPointer { query in
                        inverseScales.withUnsafeBufferPointer { scale in
                            for p in 0..<m {
                                var mean = 0.0
                                for i in 0..<n {
                                    var r2 = 0.0
                                    for c in 0..<d {
                                        let delta = (query[p * d + c] - x[i * d + c]) * scale[c]
                                        r2 += delta * delta
                                    }
                                    let rho = MaternKernel.correlation(scaledSquaredDistance: r2)
                                    k[i] = rho
                                    mean += rho * alpha[i]
                                }
                                factor.solveLower(k)
                                var explained = 0.0
                                for i in 0..<n { explained += k[i] * k[i] }
                                means[p] = priorMean + mean
                                variances[p] = max(0, signal * (1 - explained))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The posterior means only (no variances) at many points.
    /// - Parameter points: row-major `m x dimension` coordinates.
    /// - Complexity: O(m n).
    public func predictMeans(points: [Double]) -> [Double] {
        let m = points.count / dimension
        let d = dimension
        let inverseScales = kernel.lengthScales.map { 1 / $0 }
        var means = [Double](repeating: priorMean, count: m)
        for p in 0..<m {
            var mean = 0.0
            for i in 0..<count {
                var r2 = 0.0
                for c in 0..<d {
                    let delta = (points[p * d + c] - inputs[i * d + c]) * inverseScales[c]
                    r2 += delta * delta
                }
                mean += MaternKernel.correlation(scaledSquaredDistance: r2) * weights[i]
            }
            means[p] += mean
        }
        return means
    }

    /// The correlation matrix `R + nugget I` of `count` row-major points.
    static func correlationMatrix(_ points: [Double], count n: Int, inverseScales: [Double], nugget: Double)
        -> [Double]
    {
        let d = inverseScales.count
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = 1 + nugget
            for j in 0..<i {
                var r2 = 0.0
                for c in 0..<d {
                    let delta = (points[i * d + c] - points[j * d + c]) * inverseScales[c]
                    r2 += delta * delta
                }
                let rho = MaternKernel.correlation(scaledSquaredDistance: r2)
                matrix[i * n + j] = rho
                matrix[j * n + i] = rho
            }
        }
        return matrix
    }
}
