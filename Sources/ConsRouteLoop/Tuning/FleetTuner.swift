public import ConsRouteModel
import ConsRouteTuning
import Dispatch

/// Re-clusters a fleet's recent representations and re-optimises its per-cluster thresholds; the pure
/// core of the control loop, shared by `consroute serve` and the offline `consroute replay`.
public struct FleetTuner: Sendable {
    public var settings: FleetTunerSettings
    /// The objective the thresholds are optimised for.
    public var objective: ObjectiveWeights

    public init(settings: FleetTunerSettings, objective: ObjectiveWeights) {
        self.settings = settings
        self.objective = objective
    }

    /// Why a tuning step could not run.
    public enum TuningError: Error, Sendable, Equatable, CustomStringConvertible {
        case notEnoughPoints(have: Int, need: Int)
        case notEnoughShadowSamples(have: Int, need: Int)
        case clustering(String)
        case optimisation(String)

        public var description: String {
            switch self {
            case .notEnoughPoints(let have, let need):
                "re-clustering needs \(need) representations, the window has \(have)"
            case .notEnoughShadowSamples(let have, let need):
                "optimisation needs \(need) shadow samples, the window has \(have)"
            case .clustering(let reason): "re-clustering failed: \(reason)"
            case .optimisation(let reason): "threshold optimisation failed: \(reason)"
            }
        }
    }

    /// The k chosen for a window, with the fit that seeds the final clustering.
    public struct ClusterCountChoice: Sendable {
        /// The chosen number of clusters.
        public var clusterCount: Int
        /// Silhouette score per candidate k (empty when the range allows a single k).
        public var scores: [Int: Double]
        /// `clusterCount` centroids (row-major, the points' coordinates) that seed the final fit when there is
        /// no previous table.
        public var seeds: [Float]
        /// Wall time of the choice.
        public var seconds: Double
    }

    /// Clusters `points` (row-major n × d), choosing k within the configured bounds, warm-started from the
    /// previous table's centroids, and matches the new centroids to the previous ids.
    ///
    /// - Parameters:
    ///   - previous: the table in effect (its centroids seed the fit and give the ids to keep).
    ///   - nextID: the smallest cluster id never used in this fleet.
    /// - Throws: `TuningError.notEnoughPoints`, `.clustering`.
    public func recluster(points: [Float], dimension: Int, previous: ThresholdTable?, nextID: UInt32)
        throws(TuningError)
        -> ClusteringProposal
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let choice = try chooseClusterCount(points: points, dimension: dimension)
        var proposal = try recluster(
            points: points,
            dimension: dimension,
            previous: previous,
            nextID: nextID,
            choice: choice
        )
        proposal.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return proposal
    }

    /// The second half of `recluster(points:dimension:previous:nextID:)`: fits `choice.clusterCount` clusters on a
    /// seeded subsample of `fitSampleSize` points (Lloyd, or mini-batch above `miniBatchAbove`), warm-started from
    /// the previous table (completed by k-means++ when it has fewer clusters) or else from `choice.seeds`, and
    /// matches ids. The radii are quantiles over the subsample; `inertia` is the subsample's scaled to the window
    /// (`· n / pointsUsed`), `pointsUsed` the subsample's size. `seconds` of the result covers this half only.
    ///
    /// - Complexity: O(s·k·d·iterations) for s = min(n, `fitSampleSize`), plus O(n) to draw the subsample.
    ///
    /// - Throws: `TuningError.notEnoughPoints`, `.clustering`.
    public func recluster(
        points: [Float],
        dimension: Int,
        previous: ThresholdTable?,
        nextID: UInt32,
        choice: ClusterCountChoice
    ) throws(TuningError) -> ClusteringProposal {
        let start = DispatchTime.now().uptimeNanoseconds
        let count = try checkedCount(points: points, dimension: dimension)
        do {
            let k = choice.clusterCount
            let seed = choice.seeds
            let scores = choice.scores
            let warm = previous.map { table in table.clusters.prefix(k).flatMap(\.centroid) }
            let initialization: KMeansConfiguration.Initialization =
                warm.map { $0.isEmpty ? .centroids(seed) : .centroids(Array($0)) } ?? .centroids(seed)
            let fitSample = PointSubsample(
                count: settings.fitSampleSize ?? count,
                from: count,
                seed: settings.seed &+ 3
            )
            let fitPoints = fitSample.count == count ? points : fitSample.rows(of: points, dimension: dimension)
            let result: KMeansResult
            if fitSample.count > settings.miniBatchAbove {
                result = try MiniBatchKMeans(
                    configuration: MiniBatchKMeansConfiguration(
                        clusterCount: k,
                        seed: settings.seed,
                        initialization: initialization,
                        radiusQuantile: settings.radiusQuantile
                    )
                ).fit(fitPoints, dimension: dimension)
            } else {
                result = try KMeans(
                    configuration: KMeansConfiguration(
                        clusterCount: k,
                        seed: settings.seed,
                        initialization: initialization,
                        radiusQuantile: settings.radiusQuantile
                    )
                ).fit(fitPoints, dimension: dimension)
            }
            let previousRadius = previous.map { $0.clusters.map(\.radius2).sorted() } ?? []
            let cutoff =
                previousRadius.isEmpty
                ? Float.infinity : settings.identityCutoffRadii * previousRadius[previousRadius.count / 2]
            let match = try ClusterIdentityMatcher(maxSquaredDistance: cutoff).match(
                newCentroids: result.centroids,
                previousCentroids: previous?.clusters.flatMap(\.centroid) ?? [],
                previousIDs: previous?.clusters.map(\.id) ?? [],
                dimension: dimension,
                nextID: nextID
            )
            return ClusteringProposal(
                dimension: dimension,
                centroids: result.centroids,
                ids: match.ids,
                radius2: result.radius2,
                newIDs: match.newIDs,
                retiredIDs: match.retiredIDs,
                nextID: match.nextID,
                inertia: result.inertia * Double(count) / Double(fitSample.count),
                pointsUsed: fitSample.count,
                clusterCountBefore: previous?.clusters.count ?? 0,
                selectionScores: scores,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            )
        } catch let error as TuningError {
            throw error
        } catch {
            throw .clustering("\(error)")
        }
    }

    /// The number of points, after checking there are enough to cluster.
    private func checkedCount(points: [Float], dimension: Int) throws(TuningError) -> Int {
        let count = points.count / dimension
        let need = max(settings.minimumPointsToCluster, settings.clusterCountRange.upperBound)
        guard count >= need else { throw .notEnoughPoints(have: count, need: need) }
        return count
    }

    /// Chooses k by silhouette (or takes the single allowed k) on a subsample of `selectionFitSize` points, in a
    /// random projection to `selectionProjectionDimension` coordinates when d is larger, and returns the chosen
    /// clusters' means in the original coordinates to seed the final fit.
    ///
    /// - Complexity: O(s·d·m) for the projection plus Σ_k fit(k) on s × m, independent of the window size n
    ///   beyond drawing the subsample (s = `selectionFitSize`, m = `selectionProjectionDimension`).
    ///
    /// - Throws: `TuningError.notEnoughPoints`, `.clustering`.
    public func chooseClusterCount(points: [Float], dimension: Int) throws(TuningError) -> ClusterCountChoice {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try checkedCount(points: points, dimension: dimension)
        do {
            let (k, scores, seeds) = try selectClusterCount(points: points, dimension: dimension)
            return ClusterCountChoice(
                clusterCount: k,
                scores: scores,
                seeds: seeds,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            )
        } catch {
            throw .clustering("\(error)")
        }
    }

    /// Fits every candidate k on a seeded subsample of `selectionFitSize` points, projected to
    /// `selectionProjectionDimension` coordinates when d is larger, and keeps the best silhouette. The seeds are the
    /// chosen fit's clusters averaged in the original coordinates.
    private func selectClusterCount(points: [Float], dimension: Int) throws -> (Int, [Int: Double], [Float]) {
        let range = settings.clusterCountRange
        let count = points.count / dimension
        let subsample = PointSubsample(count: settings.selectionFitSize, from: count, seed: settings.seed &+ 1)
        let sample = subsample.count == count ? points : subsample.rows(of: points, dimension: dimension)
        var projected = (points: sample, dimension: dimension)
        if let m = settings.selectionProjectionDimension, m < dimension {
            let projection = RandomProjection(inputDimension: dimension, outputDimension: m, seed: settings.seed &+ 2)
            projected = (projection.project(sample), m)
        }
        let configuration = KMeansConfiguration(
            clusterCount: range.lowerBound,
            maxIterations: settings.selectionMaxIterations,
            seed: settings.seed,
            radiusQuantile: settings.radiusQuantile
        )
        let fit: KMeansResult
        var scores: [Int: Double] = [:]
        if range.lowerBound == range.upperBound {
            fit = try KMeans(configuration: configuration).fit(projected.points, dimension: projected.dimension)
        } else {
            let selection = try ClusterCountSelector(
                range: range,
                configuration: configuration,
                sampleSize: settings.selectionSampleSize
            ).select(projected.points, dimension: projected.dimension)
            fit = selection.result
            scores = selection.scores
        }
        let seeds =
            projected.dimension == dimension
            ? fit.centroids
            : PointSubsample.clusterMeans(
                of: sample,
                dimension: dimension,
                labels: fit.assignments,
                clusterCount: fit.clusterCount
            )
        return (fit.clusterCount, scores, seeds)
    }
}
