/// A space-filling initial design: the maximin Latin hypercube among several random ones.
///
/// A Latin hypercube of `count` points puts exactly one point in each of the `count` slices of
/// every axis; among `tries` random hypercubes, the one whose closest pair is farthest apart wins.
public enum LatinHypercubeDesign {
    /// `count` points in `[0, 1)^dimension`.
    /// - Parameters:
    ///   - count: the number of points, >= 0.
    ///   - dimension: the number of coordinates, >= 1.
    ///   - tries: how many random hypercubes to compare (default 20).
    ///   - generator: the source of randomness.
    /// - Complexity: O(tries · count² · dimension).
    public static func maximin(
        count: Int,
        dimension: Int,
        tries: Int = 20,
        using generator: inout some RandomNumberGenerator
    ) -> [[Double]] {
        guard count > 0 else { return [] }
        var best: [[Double]] = []
        var bestSeparation = -1.0
        for _ in 0..<max(1, tries) {
            let axes = (0..<dimension).map { _ in Array(0..<count).shuffled(using: &generator) }
            let points = (0..<count).map { i in
                (0..<dimension).map { c in
                    (Double(axes[c][i]) + Double.random(in: 0..<1, using: &generator)) / Double(count)
                }
            }
            let separation = minimumSquaredDistance(points)
            if separation > bestSeparation {
                best = points
                bestSeparation = separation
            }
        }
        return best
    }

    /// The smallest squared distance between two of `points` (infinity for fewer than two).
    static func minimumSquaredDistance(_ points: [[Double]]) -> Double {
        var smallest = Double.infinity
        for i in points.indices {
            for j in 0..<i {
                var sum = 0.0
                for c in points[i].indices { sum += (points[i][c] - points[j][c]) * (points[i][c] - points[j][c]) }
                smallest = min(smallest, sum)
            }
        }
        return smallest
    }
}
