import ConsRouteModel

/// A seeded uniform subsample of the rows of a window, drawn without replacement and kept in window order.
///
/// Clustering a window of n points costs O(n·k·d) per pass, but the centroids, the radii and the choice of k are
/// statistics of the distribution, not of every point: on a uniform sample of s points each centroid is a mean of
/// about s/k members, so its error shrinks as 1/√(s/k) and is negligible next to the spread of a cluster once
/// s/k is in the thousands. Bounding s bounds the cost of a tuning however large the window is.
public struct PointSubsample: Sendable, Equatable {
    /// The sampled row indices, ascending.
    public let indices: [Int]

    /// Draws `min(count, n)` distinct rows of `n` (all of them, in order, when `count >= n`).
    /// - Parameters:
    ///   - count: rows wanted.
    ///   - n: rows in the window.
    ///   - seed: the same seed gives the same rows.
    /// - Complexity: O(n) time and memory (a partial Fisher–Yates shuffle of the row numbers), plus the sort.
    public init(count: Int, from n: Int, seed: UInt64) {
        guard count < n else {
            indices = Array(0..<max(0, n))
            return
        }
        var generator = SeededGenerator(seed: seed)
        var rows = Array(0..<n)
        for i in 0..<count { rows.swapAt(i, Int.random(in: i..<n, using: &generator)) }
        indices = rows.prefix(count).sorted()
    }

    /// The number of sampled rows.
    public var count: Int { indices.count }

    /// Copies the sampled rows of `points` (row-major n × `dimension`) into a row-major `count` × `dimension` array.
    /// - Complexity: O(count·d).
    public func rows(of points: [Float], dimension: Int) -> [Float] {
        var result = [Float](repeating: 0, count: indices.count * dimension)
        points.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for (r, index) in indices.enumerated() {
                    (target.baseAddress! + r * dimension).update(
                        from: source.baseAddress! + index * dimension,
                        count: dimension
                    )
                }
            }
        }
        return result
    }

    /// The mean of each cluster's rows in `points` (row-major `labels.count` × `dimension`), in `Double`; an
    /// empty cluster gets the row whose index is its cluster number (modulo the row count), so every centroid
    /// is a real point.
    /// - Complexity: O(n·d).
    public static func clusterMeans(
        of points: [Float],
        dimension d: Int,
        labels: [Int32],
        clusterCount k: Int
    ) -> [Float] {
        precondition(points.count == labels.count * d && !labels.isEmpty, "one label per row of a non-empty window")
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        points.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { sums in
                for (i, label) in labels.enumerated() {
                    let c = Int(label)
                    counts[c] += 1
                    for j in 0..<d { sums[c * d + j] += Double(x[i * d + j]) }
                }
            }
        }
        var means = [Float](repeating: 0, count: k * d)
        for c in 0..<k {
            if counts[c] == 0 {
                let row = c % labels.count
                for j in 0..<d { means[c * d + j] = points[row * d + j] }
            } else {
                for j in 0..<d { means[c * d + j] = Float(sums[c * d + j] / Double(counts[c])) }
            }
        }
        return means
    }
}
