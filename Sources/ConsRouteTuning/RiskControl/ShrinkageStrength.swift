/// How strongly a cluster's statistics borrow from the fleet's: `n0` pseudo-samples of the pooled fleet are added
/// to each cluster's own samples, so a cluster's mean at any threshold pair is
/// `(sum_c + n0 * pooled mean) / (n_c + n0)`: a cluster with few samples behaves like the fleet, one with many like
/// itself.
public enum ShrinkageStrength: Sendable, Hashable {
    /// `n0` from the data (empirical Bayes, method of moments): the within-cluster variance of the per-sample gain
    /// of routing below the cloud divided by the between-cluster variance of the clusters' true mean gains
    /// (one-way random-effects ANOVA). Clusters that really differ get little shrinkage; a fleet whose clusters
    /// look alike gets a lot.
    case empiricalBayes
    /// A fixed `n0` (0 turns shrinkage off).
    case fixed(Double)

    /// The largest `n0` the empirical estimate may return (the clusters are then treated as one).
    static let maximumPriorSamples = 100_000.0
}
