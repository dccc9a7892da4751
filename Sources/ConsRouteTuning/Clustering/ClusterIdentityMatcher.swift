/// Keeps cluster ids stable across re-clusterings: each new centroid inherits the id of the previous
/// centroid it is matched to, new clusters get fresh ids, and previous ids left unmatched are retired.
///
/// The matching minimises the summed squared distance between matched centroids (Hungarian method)
/// among the pairs closer than `maxSquaredDistance`, first maximising how many such pairs are matched.
/// A pair farther apart than the cut-off is never matched: the new centroid is a new cluster and the
/// old one is retired. A sensible cut-off is a multiple of the previous clusters' typical `radius2`.
public struct ClusterIdentityMatcher: Sendable {
    /// Largest squared distance at which a new centroid still counts as the same cluster.
    public var maxSquaredDistance: Float

    /// Creates a matcher.
    /// - Parameter maxSquaredDistance: the cut-off (default `.infinity`: match as many as possible).
    public init(maxSquaredDistance: Float = .infinity) {
        self.maxSquaredDistance = maxSquaredDistance
    }

    /// Assigns ids to `newCentroids` by matching them to `previousCentroids`.
    /// - Parameters:
    ///   - newCentroids: row-major `k_new×dimension` floats.
    ///   - previousCentroids: row-major `k_old×dimension` floats (may be empty: everything is new).
    ///   - previousIDs: the id of each previous centroid (distinct).
    ///   - dimension: coordinates per centroid.
    ///   - nextID: the smallest id never used by this fleet (so retired ids are never reused); `nil` means
    ///     one more than the largest previous id (or 0).
    /// - Returns: the id of each new centroid, the ids created, the ids retired, and the next free id.
    /// - Throws: `KMeansError` if the shapes disagree, a coordinate is not finite, an id repeats, or no id
    ///   below `UInt32.max` is left for a new cluster.
    /// - Complexity: O(k_new·k_old·d + min(k_new, k_old)²·max(k_new, k_old)).
    public func match(
        newCentroids: [Float],
        previousCentroids: [Float],
        previousIDs: [UInt32],
        dimension: Int,
        nextID: UInt32? = nil
    ) throws -> ClusterIdentityMatch {
        guard dimension >= 1 else { throw KMeansError.invalidDimension(dimension) }
        guard newCentroids.count % dimension == 0 else {
            throw KMeansError.pointCountNotMultipleOfDimension(values: newCentroids.count, dimension: dimension)
        }
        guard previousCentroids.count == previousIDs.count * dimension else {
            throw KMeansError.invalidPreviousClusters(
                ids: previousIDs.count,
                centroids: previousCentroids.count / dimension
            )
        }
        var seen = Set<UInt32>()
        for id in previousIDs where !seen.insert(id).inserted { throw KMeansError.duplicateClusterID(id) }
        for centroids in [newCentroids, previousCentroids] {
            if let bad = centroids.firstIndex(where: { !$0.isFinite }) {
                throw KMeansError.nonFiniteValue(point: bad / dimension, coordinate: bad % dimension)
            }
        }
        let newCount = newCentroids.count / dimension
        let oldCount = previousIDs.count
        var distances = [Float](repeating: 0, count: newCount * oldCount)
        newCentroids.withUnsafeBufferPointer { new in
            previousCentroids.withUnsafeBufferPointer { old in
                for i in 0..<newCount {
                    for j in 0..<oldCount {
                        distances[i * oldCount + j] = SIMDReductions.squaredDistance(
                            new.baseAddress! + i * dimension,
                            old.baseAddress! + j * dimension,
                            dimension
                        )
                    }
                }
            }
        }
        let pairs = HungarianAssignment.solve(
            costs: gatedCosts(distances),
            rows: newCount,
            columns: oldCount
        )
        // Never below one past the largest previous id; kept in 64 bits so UInt32.max cannot wrap.
        var free = max(UInt64(nextID ?? 0), previousIDs.max().map { UInt64($0) + 1 } ?? 0)
        var ids = [UInt32](repeating: 0, count: newCount)
        var created: [UInt32] = []
        var kept = Set<Int>()
        for i in 0..<newCount {
            if let j = pairs[i], distances[i * oldCount + j] <= maxSquaredDistance {
                ids[i] = previousIDs[j]
                kept.insert(j)
            } else {
                guard free <= UInt64(UInt32.max) else { throw KMeansError.clusterIDSpaceExhausted }
                ids[i] = UInt32(free)
                created.append(UInt32(free))
                free += 1
            }
        }
        let retired = (0..<oldCount).filter { !kept.contains($0) }.map { previousIDs[$0] }
        return ClusterIdentityMatch(
            ids: ids,
            newIDs: created,
            retiredIDs: retired,
            nextID: UInt32(clamping: free)
        )
    }

    /// Costs for the assignment: a pair beyond the cut-off costs more than any set of admissible pairs,
    /// so the solver first maximises the number of admissible matches, then minimises their distance.
    private func gatedCosts(_ distances: [Float]) -> [Double] {
        let admissible = distances.filter { $0 <= maxSquaredDistance }.map(Double.init)
        let barrier = (admissible.max() ?? 0) * Double(admissible.count + 1) + 1
        return distances.map { $0 <= maxSquaredDistance ? Double($0) : barrier }
    }
}
