public import ConsRouteModel
import ConsRouteTuning
import Dispatch

/// Re-clusters a fleet's recent representations and re-optimises its per-cluster thresholds; the pure
/// core of the control loop, shared by `consroute serve` and the offline `consroute replay`.
public struct FleetTuner: Sendable {
    public var settings: FleetTunerSettings
    /// The objective the thresholds are optimised for.
    public var objective: ConsRouteModel.ObjectiveWeights

    public init(settings: FleetTunerSettings, objective: ConsRouteModel.ObjectiveWeights) {
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

    /// The second half of `recluster(points:dimension:previous:nextID:)`: fits `choice.clusterCount` clusters and
    /// matches ids. `seconds` of the result covers this half only.
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
            let result: KMeansResult
            if count > settings.miniBatchAbove {
                result = try MiniBatchKMeans(
                    configuration: MiniBatchKMeansConfiguration(
                        clusterCount: k,
                        seed: settings.seed,
                        initialization: initialization,
                        radiusQuantile: settings.radiusQuantile
                    )
                ).fit(points, dimension: dimension)
            } else {
                result = try KMeans(
                    configuration: KMeansConfiguration(
                        clusterCount: k,
                        seed: settings.seed,
                        initialization: initialization,
                        radiusQuantile: settings.radiusQuantile
                    )
                ).fit(points, dimension: dimension)
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
                inertia: result.inertia,
                pointsUsed: count,
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

    /// Chooses k by silhouette on a subsample of at most 50,000 points (or takes the single allowed k), and
    /// returns the chosen fit's centroids to seed the full fit.
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

    private func selectClusterCount(points: [Float], dimension: Int) throws -> (Int, [Int: Double], [Float]) {
        let range = settings.clusterCountRange
        let count = points.count / dimension
        let subsample = min(count, 50_000)
        let stride = max(1, count / subsample)
        var sample: [Float] = []
        sample.reserveCapacity(subsample * dimension)
        for row in Swift.stride(from: 0, to: count, by: stride).prefix(subsample) {
            sample.append(contentsOf: points[row * dimension..<(row + 1) * dimension])
        }
        let configuration = KMeansConfiguration(
            clusterCount: range.lowerBound,
            maxIterations: 50,
            seed: settings.seed,
            radiusQuantile: settings.radiusQuantile
        )
        if range.lowerBound == range.upperBound {
            let fit = try KMeans(configuration: configuration).fit(sample, dimension: dimension)
            return (range.lowerBound, [:], fit.centroids)
        }
        let selection = try ClusterCountSelector(
            range: range,
            configuration: configuration,
            sampleSize: settings.selectionSampleSize
        ).select(sample, dimension: dimension)
        return (selection.clusterCount, selection.scores, selection.result.centroids)
    }
}
