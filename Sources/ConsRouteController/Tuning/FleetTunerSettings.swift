public import ConsRouteModel

/// How a fleet is re-clustered and its thresholds re-optimised (DESIGN §6.4–6.6).
public struct FleetTunerSettings: Sendable {
    /// Which engine chooses per-cluster thresholds.
    public enum Engine: String, Sendable, CaseIterable {
        /// Exact sweep of the empirical objective on the 201×201 grid (the default: it generalises better
        /// from 50 shadow samples per cluster up; see README, "Threshold optimisation").
        case sweep
        /// Gaussian-process Bayesian optimisation (Matérn-5/2, constrained EI), warm-started.
        case bayesian
    }

    /// Bounds for the number of clusters k.
    public var clusterCountRange: ClosedRange<Int> = 8...24
    /// Representations needed before the fleet is (re-)clustered at all.
    public var minimumPointsToCluster = 2_000
    /// Above this many points in the fitted subsample, mini-batch k-means is used instead of Lloyd.
    public var miniBatchAbove = 200_000
    /// Points (a seeded uniform subsample of the window) on which every candidate k is fitted to choose k.
    public var selectionFitSize = 10_000
    /// Coordinates of the seeded Gaussian random projection the candidate fits and silhouettes run in, when the
    /// representations have more (nil: the original coordinates). Johnson–Lindenstrauss: distances are kept to
    /// within about √(8/m), enough to rank k; the final fit runs in the original coordinates.
    public var selectionProjectionDimension: Int? = 64
    /// Lloyd iterations at most per candidate fit.
    public var selectionMaxIterations = 50
    /// Points sampled to choose k (silhouette), out of the `selectionFitSize`.
    public var selectionSampleSize = 2_000
    /// Points (a seeded uniform subsample of the window) the final clustering is fitted on; its radii and inertia
    /// are measured on them (nil: the whole window). A centroid is a mean of about s/k of them.
    public var fitSampleSize: Int? = 50_000
    /// The quantile of member distances that defines a cluster's `radius2`.
    public var radiusQuantile = 0.99
    /// A new centroid keeps an old id if it lies within this many times the previous median `radius2`.
    public var identityCutoffRadii: Float = 1
    /// Most recent shadow samples used per cluster.
    public var samplesPerCluster = 2_000
    /// Shadow samples needed in the fleet before thresholds are optimised.
    public var minimumShadowSamples = 200
    /// The threshold engine.
    public var engine: Engine = .sweep
    /// Prior sample count n0 of the shrinkage toward pooled thresholds (`w = n / (n + n0)`).
    public var shrinkagePriorSamples: Double = 2
    /// Share of each cluster's shadow samples held out to predict the table's outcome.
    public var holdoutFraction = 0.3
    /// Added to `q_min` when choosing thresholds (not when checking them): the empirical optimum sits on the
    /// quality cliff, so without a margin about half of all tables fall just below `q_min` on held-out data.
    public var qualitySafetyMargin = 0.01
    /// Largest change of a threshold between two tables, unless the drift was severe (a re-clustering).
    public var maxThresholdStep: Float = 0.25
    /// Thresholds for novel queries and stale tables.
    public var novelThresholds = ThresholdPair(device: 0.98, edge: 0.9)
    /// Seed of every random choice (k-means++, holdout split, BO design).
    public var seed: UInt64 = 0

    public init() {}
}
