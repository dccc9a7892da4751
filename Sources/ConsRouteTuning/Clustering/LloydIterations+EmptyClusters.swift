extension LloydIterations {
    /// Gives every empty cluster a point, as scikit-learn does: the points farthest from the current
    /// centre of their own cluster are taken, one per empty cluster, in decreasing order of that distance
    /// (ties: lower index first). The taken point's coordinates leave its cluster's sum and become the
    /// empty cluster's sum; labels are left as they are, so the next iteration re-assigns everything.
    /// - Parameters:
    ///   - sums: per-cluster coordinate sums (centred) of this step, updated in place.
    ///   - counts: per-cluster member counts of this step, updated in place.
    /// - Complexity: O(n·d + n·e) for e empty clusters.
    func relocateEmptyClusters(sums: inout [Double], counts: inout [Int]) {
        let d = points.dimension
        let empty = (0..<clusterCount).filter { counts[$0] == 0 }
        var distances = [Float](repeating: 0, count: points.count)
        centroids.withUnsafeBufferPointer { centroids in
            for i in 0..<points.count {
                distances[i] = SIMDReductions.centredSquaredDistance(
                    points.row(i),
                    offset,
                    centroids.baseAddress! + Int(labels[i]) * d,
                    d
                )
            }
        }
        for cluster in empty {
            var far = 0
            for i in 1..<points.count where distances[i] > distances[far] { far = i }
            distances[far] = -.infinity
            let previous = Int(labels[far])
            let x = points.row(far)
            for j in 0..<d {
                let value = Double(x[j] - offset[j])
                sums[previous * d + j] -= value
                sums[cluster * d + j] = value
            }
            counts[cluster] = 1
            counts[previous] -= 1
        }
    }
}
