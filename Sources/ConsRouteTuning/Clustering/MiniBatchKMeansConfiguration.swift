/// Settings of mini-batch k-means (Sculley 2010, with scikit-learn's per-centre learning rate, random
/// reassignment of starved centres, and early stopping on the smoothed batch inertia).
public struct MiniBatchKMeansConfiguration: Sendable, Equatable {
    /// The number of clusters `k`.
    public var clusterCount: Int
    /// Points drawn (with replacement) per step.
    public var batchSize: Int
    /// The largest number of passes over the data; the step budget is `maxEpochs·n / batchSize`.
    public var maxEpochs: Int
    /// Stop after this many steps without a new minimum of the smoothed batch inertia; `nil` disables it.
    public var maxNoImprovement: Int?
    /// Relative tolerance on the summed squared centre shift of one step (0 disables it), scaled by
    /// `mean(var(X, axis: 0))` as in `KMeansConfiguration`.
    public var tolerance: Double
    /// A centre whose accumulated count falls below this fraction of the largest count is moved to a
    /// random point of the current batch.
    public var reassignmentRatio: Double
    /// Points sampled for the k-means++ initialisation; `nil` means `3·batchSize` (at least `3k`, at most n).
    public var initializationSize: Int?
    /// Seed of every random choice.
    public var seed: UInt64
    /// How the first centroids are chosen (`.centroids` warm-starts from the current table).
    public var initialization: KMeansConfiguration.Initialization
    /// k-means++ candidates per centre; `nil` means `2 + floor(ln k)`.
    public var localTrials: Int?
    /// Quantile of member squared distances that defines each cluster's `radius2`.
    public var radiusQuantile: Double

    /// Creates a configuration; the defaults are scikit-learn's `MiniBatchKMeans` defaults except
    /// `batchSize`, which is 4096 (the W1 benchmark's setting and a better fit for 64-d windows).
    /// - Parameters:
    ///   - clusterCount: the number of clusters `k`.
    ///   - batchSize: points per step (default 4096).
    ///   - maxEpochs: passes over the data at most (default 100).
    ///   - maxNoImprovement: early-stopping patience in steps (default 10).
    ///   - tolerance: relative centre-shift tolerance (default 0, disabled).
    ///   - reassignmentRatio: starvation threshold for reassignment (default 0.01).
    ///   - initializationSize: k-means++ sample size (`nil`: `3·batchSize`).
    ///   - seed: seed of the random choices (default 0).
    ///   - initialization: how the first centroids are chosen (default greedy k-means++).
    ///   - localTrials: k-means++ candidates per centre (`nil`: `2 + floor(ln k)`).
    ///   - radiusQuantile: the quantile defining `radius2` (default 0.99).
    public init(
        clusterCount: Int,
        batchSize: Int = 4096,
        maxEpochs: Int = 100,
        maxNoImprovement: Int? = 10,
        tolerance: Double = 0,
        reassignmentRatio: Double = 0.01,
        initializationSize: Int? = nil,
        seed: UInt64 = 0,
        initialization: KMeansConfiguration.Initialization = .kMeansPlusPlus,
        localTrials: Int? = nil,
        radiusQuantile: Double = 0.99
    ) {
        self.clusterCount = clusterCount
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.maxNoImprovement = maxNoImprovement
        self.tolerance = tolerance
        self.reassignmentRatio = reassignmentRatio
        self.initializationSize = initializationSize
        self.seed = seed
        self.initialization = initialization
        self.localTrials = localTrials
        self.radiusQuantile = radiusQuantile
    }

    /// The equivalent full-batch settings, used to validate and seed.
    var seeding: KMeansConfiguration {
        KMeansConfiguration(
            clusterCount: clusterCount,
            maxIterations: maxEpochs,
            tolerance: tolerance,
            seed: seed,
            initialization: initialization,
            localTrials: localTrials,
            radiusQuantile: radiusQuantile
        )
    }

    /// Checks every setting against `points` points of `dimension` coordinates.
    /// - Throws: `KMeansError` naming the first invalid setting.
    func validate(points: Int, dimension: Int) throws {
        try seeding.validate(points: points, dimension: dimension)
        guard batchSize >= 1 else {
            throw KMeansError.invalidMiniBatchSetting(name: "batchSize", value: Double(batchSize))
        }
        if let maxNoImprovement, maxNoImprovement < 1 {
            throw KMeansError.invalidMiniBatchSetting(name: "maxNoImprovement", value: Double(maxNoImprovement))
        }
        guard reassignmentRatio.isFinite, reassignmentRatio >= 0, reassignmentRatio < 1 else {
            throw KMeansError.invalidMiniBatchSetting(name: "reassignmentRatio", value: reassignmentRatio)
        }
        if let initializationSize, initializationSize < clusterCount {
            throw KMeansError.invalidMiniBatchSetting(
                name: "initializationSize (must be >= clusterCount)",
                value: Double(initializationSize)
            )
        }
    }
}
