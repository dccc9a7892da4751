extension KMeansResult {
    /// Builds a result from final centroids and assignments: member counts, exact inertia and radii.
    ///
    /// Each point's squared distance to its centroid is recomputed directly from coordinate differences
    /// (no expansion, so no cancellation) and summed in `Double`.
    /// - Complexity: O(n·d) plus an expected O(n) selection for the quantiles.
    static func summarizing(
        points: PointMatrix,
        centroids: [Float],
        assignments: [Int32],
        iterations: Int,
        converged: Bool,
        radiusQuantile: Double
    ) -> KMeansResult {
        let d = points.dimension
        let k = centroids.count / d
        var counts = [Int](repeating: 0, count: k)
        for label in assignments { counts[Int(label)] += 1 }
        var starts = [Int](repeating: 0, count: k + 1)
        for c in 0..<k { starts[c + 1] = starts[c] + counts[c] }
        var grouped = [Float](repeating: 0, count: points.count)
        var cursor = Array(starts.dropLast())
        var inertia = 0.0
        centroids.withUnsafeBufferPointer { centroids in
            for i in 0..<points.count {
                let label = Int(assignments[i])
                let distance = SIMDReductions.squaredDistance(points.row(i), centroids.baseAddress! + label * d, d)
                inertia += Double(distance)
                grouped[cursor[label]] = distance
                cursor[label] += 1
            }
        }
        var radius2 = [Float](repeating: 0, count: k)
        grouped.withUnsafeMutableBufferPointer { grouped in
            for c in 0..<k where counts[c] > 0 {
                let members = UnsafeMutableBufferPointer(rebasing: grouped[starts[c]..<starts[c + 1]])
                let rank = Swift.max(1, Int((radiusQuantile * Double(counts[c])).rounded(.up)))
                radius2[c] = QuickSelect.element(ofRank: Swift.min(rank, counts[c]) - 1, in: members)
            }
        }
        return KMeansResult(
            dimension: d,
            centroids: centroids,
            assignments: assignments,
            inertia: inertia,
            iterations: iterations,
            converged: converged,
            counts: counts,
            radius2: radius2
        )
    }
}
