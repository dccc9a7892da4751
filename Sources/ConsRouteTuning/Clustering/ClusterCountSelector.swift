import ConsRouteModel

/// Chooses the number of clusters within configured bounds by the mean silhouette on a seeded sample.
///
/// Why the silhouette: it rewards clusters that are both tight and well separated, which is what makes
/// per-cluster thresholds meaningful (a query near a boundary should not flip between clusters with very
/// different thresholds); it is scale-free and bounded in [−1, 1], so one rule serves every fleet; and
/// unlike BIC/X-means it assumes no spherical Gaussian model (hidden-state clusters are anisotropic, and a
/// spherical BIC keeps splitting elongated clusters up to `kMax`). The inertia "elbow" needs a judgement
/// call to locate. The exact silhouette is O(n²), so it is computed on `sampleSize` points drawn once
/// (the pairwise distances are shared by every k); each k is fitted on all points.
public struct ClusterCountSelector: Sendable {
    /// The admissible cluster counts.
    public var range: ClosedRange<Int>
    /// Settings of each fit; `clusterCount` is replaced by each candidate k. A warm start with more
    /// centroids than a candidate k falls back to k-means++ for that k.
    public var configuration: KMeansConfiguration
    /// Points on which the silhouette is computed (at most n).
    public var sampleSize: Int

    /// Creates a selector.
    /// - Parameters:
    ///   - range: admissible cluster counts `kMin...kMax` (k = 1 scores 0, so it wins only when every
    ///     other k scores below 0).
    ///   - configuration: settings of each fit.
    ///   - sampleSize: silhouette sample size (default 2000).
    public init(range: ClosedRange<Int>, configuration: KMeansConfiguration, sampleSize: Int = 2000) {
        self.range = range
        self.configuration = configuration
        self.sampleSize = sampleSize
    }

    /// Fits every k in `range` and keeps the one with the highest sampled mean silhouette (ties: smaller k).
    /// - Parameters:
    ///   - points: row-major `n×dimension` finite floats.
    ///   - dimension: coordinates per point.
    /// - Returns: the chosen k, each candidate's score, and the chosen fit.
    /// - Throws: `KMeansError` for invalid points, bounds, sample size, or settings (`kMax > n` included).
    /// - Complexity: O(Σ_k fit(k) + s²·d + |range|·s²) for sample size s.
    public func select(_ points: [Float], dimension: Int) throws -> ClusterCountSelection {
        guard range.lowerBound >= 1 else {
            throw KMeansError.invalidClusterCountRange(min: range.lowerBound, max: range.upperBound)
        }
        guard sampleSize >= 2 else { throw KMeansError.invalidSampleSize(sampleSize) }
        let n = try points.withUnsafeBufferPointer { try PointMatrix($0, dimension: dimension).count }
        guard range.upperBound <= n else {
            throw KMeansError.moreClustersThanPoints(clusters: range.upperBound, points: n)
        }
        var generator = SeededGenerator(seed: configuration.seed)
        let sample = Self.sampleIndices(count: min(sampleSize, n), from: n, generator: &generator)
        let distances = Self.pairwiseDistances(points, dimension: dimension, sample: sample)
        var best: (score: Double, result: KMeansResult)?
        var scores: [Int: Double] = [:]
        for k in range {
            var settings = configuration
            settings.clusterCount = k
            if case .centroids(let given) = settings.initialization, given.count > k * dimension {
                settings.initialization = .kMeansPlusPlus
            }
            let result = try KMeans(configuration: settings).fit(points, dimension: dimension)
            let labels = sample.map { Int(result.assignments[$0]) }
            let score = k == 1 ? 0 : Self.meanSilhouette(distances: distances, labels: labels, clusterCount: k)
            scores[k] = score
            if best == nil || score > best!.score { best = (score, result) }
        }
        return ClusterCountSelection(clusterCount: best!.result.clusterCount, scores: scores, result: best!.result)
    }

    /// `count` distinct indices below `n`, by a seeded partial Fisher–Yates shuffle.
    static func sampleIndices(count: Int, from n: Int, generator: inout SeededGenerator) -> [Int] {
        var indices = Array(0..<n)
        for i in 0..<count { indices.swapAt(i, Int.random(in: i..<n, using: &generator)) }
        return Array(indices.prefix(count))
    }

    /// Euclidean distances between the sampled points, row-major `s×s`.
    static func pairwiseDistances(_ points: [Float], dimension d: Int, sample: [Int]) -> [Float] {
        let s = sample.count
        var distances = [Float](repeating: 0, count: s * s)
        points.withUnsafeBufferPointer { x in
            for a in 0..<s {
                for b in (a + 1)..<max(a + 1, s) {
                    let value = SIMDReductions.squaredDistance(
                        x.baseAddress! + sample[a] * d,
                        x.baseAddress! + sample[b] * d,
                        d
                    ).squareRoot()
                    distances[a * s + b] = value
                    distances[b * s + a] = value
                }
            }
        }
        return distances
    }

    /// Mean over the sample of (b − a) / max(a, b), where a is the mean distance to the rest of the own
    /// cluster and b the smallest mean distance to another cluster; a point alone in its cluster scores 0.
    static func meanSilhouette(distances: [Float], labels: [Int], clusterCount k: Int) -> Double {
        let s = labels.count
        var sizes = [Int](repeating: 0, count: k)
        for label in labels { sizes[label] += 1 }
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        for a in 0..<s {
            for c in 0..<k { sums[c] = 0 }
            for b in 0..<s { sums[labels[b]] += Double(distances[a * s + b]) }
            let own = labels[a]
            guard sizes[own] > 1 else { continue }
            let cohesion = sums[own] / Double(sizes[own] - 1)
            var separation = Double.infinity
            for c in 0..<k where c != own && sizes[c] > 0 { separation = min(separation, sums[c] / Double(sizes[c])) }
            guard separation.isFinite else { continue }
            let scale = max(cohesion, separation)
            if scale > 0 { total += (separation - cohesion) / scale }
        }
        return total / Double(s)
    }
}
