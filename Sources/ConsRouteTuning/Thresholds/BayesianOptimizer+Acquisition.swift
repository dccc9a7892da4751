import ConsRouteModel

/// Choosing the next point: candidates, surrogate predictions and constrained expected improvement.
extension BayesianOptimizer {
    /// Standard deviations of the local candidates drawn around the best trials, in unit-square units.
    static let localSpreads = [0.005, 0.02, 0.08]
    /// How many of the best trials local candidates are drawn around.
    static let localCentres = 3

    /// The unevaluated cut pair of highest acquisition, or nil when every routing was evaluated.
    ///
    /// Candidates: `candidateCount` uniform points plus as many Gaussian perturbations of the best
    /// trials. When no candidate has positive acquisition (the surrogates see nothing to gain),
    /// the one of largest objective variance is taken, so the budget still explores.
    func nextCuts(
        objective: GaussianProcess,
        quality: GaussianProcess,
        observations: BayesianObservations,
        qualityMin: Double,
        using generator: inout SeededGenerator
    ) -> (device: Int, edge: Int)? {
        guard !observations.isExhausted else { return nil }
        let candidates = candidatePoints(around: observations.bestInputs(Self.localCentres), using: &generator)
        var objectiveMeans: [Double] = []
        var objectiveVariances: [Double] = []
        var qualityMeans: [Double] = []
        var qualityVariances: [Double] = []
        objective.predict(points: candidates, means: &objectiveMeans, variances: &objectiveVariances)
        quality.predict(points: candidates, means: &qualityMeans, variances: &qualityVariances)
        let best = observations.bestUtility
        var choice: (cuts: (device: Int, edge: Int), acquisition: Double, variance: Double)?
        for index in 0..<(candidates.count / 2) {
            let cuts = observations.cuts(candidates[2 * index], candidates[2 * index + 1])
            guard !observations.contains(cuts) else { continue }
            let acquisition = ConstrainedExpectedImprovement.value(
                objective: (objectiveMeans[index], objectiveVariances[index]),
                quality: (qualityMeans[index], qualityVariances[index]),
                best: best,
                qualityMin: qualityMin
            )
            let variance = objectiveVariances[index]
            if let current = choice,
                acquisition < current.acquisition
                    || (acquisition == current.acquisition && variance <= current.variance)
            {
                continue
            }
            choice = (cuts, acquisition, variance)
        }
        return choice?.cuts ?? observations.firstUnevaluated()
    }

    /// Uniform candidates and Gaussian perturbations of `centres`, row-major pairs in [0, 1]².
    private func candidatePoints(around centres: [[Double]], using generator: inout SeededGenerator) -> [Double] {
        let count = configuration.candidateCount
        var points: [Double] = []
        points.reserveCapacity(4 * count)
        for _ in 0..<(2 * count) { points.append(generator.nextUnit()) }
        guard !centres.isEmpty else { return points }
        for index in 0..<count {
            let centre = centres[index % centres.count]
            let spread = Self.localSpreads[(index / centres.count) % Self.localSpreads.count]
            for c in 0..<2 {
                points.append(min(1, max(0, centre[c] + spread * generator.nextGaussian())))
            }
        }
        return points
    }
}
