public import ConsRouteModel
public import ConsRouteTuning

/// How a fleet is re-clustered and its thresholds re-optimised (docs/design.md §6.4–6.6).
public struct FleetTunerSettings: Sendable {
    /// Which engine chooses per-cluster thresholds.
    public enum Engine: String, Sendable, CaseIterable {
        /// Exact sweep of the empirical objective on the threshold grid (``GridPlacement``), every cluster at every
        /// quality multiplier
        /// (the default; see docs/algorithms.md, "Threshold optimisation").
        case sweep
        /// The seed method's Gaussian process (Matérn-5/2) as a surrogate of each cluster's score, latency and cost
        /// surfaces, fitted on a design at the cluster's prediction quantiles; the same allocation and risk control.
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
    public var samplesPerCluster = 500
    /// Shadow samples needed in the fleet before thresholds are optimised; also the fewest a tuning uses after a
    /// detected change (older samples fill up to this many).
    public var minimumShadowSamples = 200
    /// The threshold engine.
    public var engine: Engine = .sweep
    /// Where the engine's threshold grid is: fitted to each tuning's predictions by default
    /// (``ThresholdGrid/fitted(pDevice:pEdge:steps:)``), or the uniform W3 grid.
    public var grid: GridPlacement = .fitted
    /// Where the quality floor applies: the fleet's ratio (the contract), or every cluster's.
    public var constraint: AllocationConstraint = .fleet
    /// The risk level: the chosen table's fleet quality ratio is below `q_min` with probability at most alpha.
    public var alpha = 0.1
    /// How the lower confidence bound is computed (docs/algorithms.md, "The bound").
    public var bound: ConfidenceBound = .normal
    /// Failed candidates the risk-controlled selection goes past; each is then tested at alpha / (this + 1)
    /// (``RiskControlledSelection``).
    public var failuresAllowed = 1
    /// How much small clusters borrow from the fleet (`n0` from the data by default).
    public var shrinkage: ShrinkageStrength = .empiricalBayes
    /// Share of each cluster's shadow samples held out to check candidates on (the bound's samples).
    public var holdoutFraction = 0.6
    /// The newest representations that define the fleet's current traffic mix (each cluster's share).
    public var mixEvents = 2_000
    /// The weight, in the held-out check, of a sample from before the last change of the traffic's mix relative to
    /// a newer one (`ChangeCuts.mixMs`: an occupancy, novelty, served-latency or served-cost drift), in (0, 1];
    /// 1: no difference. Below 1 the check leans on the samples that describe the new mix and its bound widens
    /// until they are many (docs/algorithms.md, "Recent data after a change").
    public var preMixChangeWeight = 1.0
    /// When the selection is cross-fitted (candidates built on each half of the samples are checked on the other
    /// half, so the bound uses every sample; the table published is the whole sample's member at the chosen cost
    /// level): by default when the single split's bound is wide (docs/algorithms.md, "Cross-fitting").
    public var crossFitting: CrossFitting = .whenBoundWiderThan(CrossFitting.defaultWidth)
    /// When the table in force serves below `q_min` on the samples taken since it was published, a candidate must
    /// keep those samples at or above `q_min` too (docs/algorithms.md, "Guardrail relative to the table in force").
    public var holdsRecentSamples = true
    /// With a value, a candidate's bound must clear `q_min` by the margin a rolling window of this many events needs
    /// to stay at or above `q_min` in `1 - alpha` of windows (``RiskControlledSelection/windowEvents``); nil: off.
    /// 2,000 by default, the rolling window the fleet's floor is judged on: without it a table whose mean is at
    /// `q_min` serves about half of its windows below it (docs/benchmarks.md, "The window check on the bound").
    public var windowEvents: Int? = 2_000
    /// After a detected change, samples from this long before its detection still count as after it (detectors
    /// need some samples to notice a change).
    public var changeLookbackMs: Int64 = 60_000
    /// Largest change of a threshold between two tables, as the share of the tuning's predictions it may cross
    /// (``PredictionRanks``: the same limit whatever range the router head's predictions use), unless the drift was
    /// severe (a re-clustering) or the table in force no longer clears `q_min`. 0.5 measured like the former 0.25 in
    /// prediction units on `llm-benchmarks.yaml`, where half of the predictions lie within about 0.25 of a typical
    /// threshold (docs/benchmarks.md, "Threshold grid").
    public var maxThresholdStep: Float = 0.5
    /// Thresholds for novel queries and stale tables.
    public var novelThresholds = ThresholdPair(device: 0.98, edge: 0.9)
    /// Seed of every random choice (k-means++, holdout split, BO design).
    public var seed: UInt64 = 0

    public init() {}
}

/// Where a tuning's threshold grid is placed.
public enum GridPlacement: String, Sendable, CaseIterable {
    /// 101 values per axis: 0, 1 and the percentiles of the distinct predictions of the samples a family is built from
    /// (``ThresholdGrid/fitted(pDevice:pEdge:steps:)``): the sweep resolves a router head that crowds its predictions
    /// into a narrow range as finely as one that spreads them.
    case fitted
    /// The uniform W3 grid, `j / 200`.
    case uniform

    /// The grid an allocator is given (nil: fitted to each family's samples).
    public var fixedGrid: ThresholdGrid? { self == .uniform ? .w3 : nil }
}

/// When a tuning's risk-controlled selection is cross-fitted (``CrossFittedFamily``) rather than run on one split.
public enum CrossFitting: Sendable, Equatable {
    /// Always one split (the bound's guarantee is exact for the table published).
    case never
    /// Always cross-fitted.
    case always
    /// Cross-fitted when the single split's lower confidence bound of the quality ratio, on the last candidate it
    /// tested, is more than this below the candidate's estimate: the bound's width, not the candidates, then
    /// limits the table (few samples per cluster, 0/1 outcomes), and checking on every sample instead of the held-out
    /// part narrows a normal bound by about √(holdout fraction); where the bound is narrow the split's exact guarantee
    /// costs almost nothing and is kept.
    case whenBoundWiderThan(Double)

    /// The default width, 0.02 of quality ratio. Measured at the first test level: `llm-benchmarks.yaml` (0/1
    /// outcomes, a few hundred samples per tuning) 0.02–0.04; `drift.yaml` (graded scores) 0.03 at its first
    /// tuning (149 held-out samples), 0.011 at its second, then 0.002–0.008 (2,000–3,000).
    public static let defaultWidth = 0.02
}
