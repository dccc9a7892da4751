/// How the lower confidence bound of a policy's fleet quality (``CalibrationSet``) is computed.
public enum ConfidenceBound: String, Sendable, CaseIterable {
    /// The predictable plug-in empirical-Bernstein bound (``MeanLowerBound/lowerBound(_:low:high:alpha:)``) of
    /// the importance-weighted differences: valid for any number of samples, and wide at a few hundred, because
    /// its lower-order term pays for the whole range of the weighted values.
    case empiricalBernstein = "empirical_bernstein"
    /// The one-sided normal approximation of the stratified estimate (each stratum's mean weighted by its traffic
    /// share, the variance summed per stratum: ``MeanLowerBound/stratifiedNormalLowerBound(means:variances:counts:effectiveCounts:shares:alpha:worstVariance:)``;
    /// each stratum's variance carries one worst-case pseudo-sample). Asymptotic, not finite-sample: its coverage
    /// is measured (docs/algorithms.md), not proven. The default: on a realistic scenario it is about half as
    /// wide as the empirical-Bernstein bound at the same alpha.
    case normal
}
