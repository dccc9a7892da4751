import Testing

@testable import ConsRouteTuning

/// The accelerated Lloyd loop (centred data, blocked SIMD search, Hamerly bounds, incremental sums)
/// against a plain float64 transcription of scikit-learn's loop.
@Suite("Lloyd iterations: equivalence with a plain reference and nearest-centroid search")
struct LloydEquivalenceTests {
    /// (seed, k, d, n, spread): k = 20 and 40 use several SIMD tiles; d = 7 and 20 use scalar tails.
    static let cases: [(UInt64, Int, Int, Int, Double)] = [
        (1, 2, 1, 300, 2), (2, 5, 7, 500, 1.5), (3, 20, 20, 800, 1), (4, 40, 3, 1200, 1), (5, 16, 64, 600, 2),
    ]

    @Test("same iterations and partition as plain Lloyd from the first k points", arguments: cases)
    func matchesReference(seed: UInt64, k: Int, d: Int, n: Int, spread: Double) throws {
        let centres = ClusteringFixtures.separatedCentres(k: max(2, k / 2), d: d, separation: 3, seed: seed)
        let points = Array(
            ClusteringFixtures.blobs(
                centres: centres,
                perCluster: n / centres.count + 1,
                spread: spread,
                seed: seed
            ).prefix(n * d)
        )
        let result = try KMeans(configuration: .init(clusterCount: k, tolerance: 0, initialization: .firstK))
            .fit(points, dimension: d)
        let reference = Self.plainLloyd(points, dimension: d, clusterCount: k, maxIterations: 100)
        #expect(result.iterations == reference.iterations)
        #expect(result.assignments == reference.labels)
        for (ours, theirs) in zip(result.centroids, reference.centroids) {
            #expect(abs(Double(ours) - theirs) <= 1e-4 * max(1, abs(theirs)))
        }
    }

    @Test("ties go to the lowest centroid index, across SIMD tiles")
    func tiesGoToLowestIndex() throws {
        // 20 centroids on a line at 0, 10, ..., 190, except that 3 and 17 both sit at 30.
        var centroids = (0..<20).map { Float($0 * 10) }
        centroids[17] = 30
        let points: [Float] = [30, 29, 31, 170, 0, 190]
        let labels = points.withUnsafeBufferPointer { buffer -> [Int32] in
            let matrix = try! PointMatrix(buffer, dimension: 1)
            var lloyd = LloydIterations(points: matrix, mean: [0], initial: centroids)
            lloyd.assignAll()
            return lloyd.labels
        }
        #expect(labels == [3, 3, 3, 16, 0, 19])
    }

    /// scikit-learn's `_kmeans_single_lloyd` in float64: E-step, M-step (empty clusters do not occur in
    /// these cases), stop on unchanged labels or on a summed squared shift <= tol (0 here).
    static func plainLloyd(
        _ points: [Float],
        dimension d: Int,
        clusterCount k: Int,
        maxIterations: Int
    ) -> (labels: [Int32], centroids: [Double], iterations: Int) {
        let n = points.count / d
        var centroids = (0..<(k * d)).map { Double(points[$0]) }
        var labels = [Int32](repeating: -1, count: n)
        var iterations = 0
        var strict = false
        while iterations < maxIterations {
            iterations += 1
            let assigned = nearest(points, centroids, d)
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                let c = Int(assigned[i])
                counts[c] += 1
                for j in 0..<d { sums[c * d + j] += Double(points[i * d + j]) }
            }
            var shift = 0.0
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d {
                    let value = sums[c * d + j] / Double(counts[c])
                    shift += (value - centroids[c * d + j]) * (value - centroids[c * d + j])
                    centroids[c * d + j] = value
                }
            }
            if assigned == labels {
                strict = true
                break
            }
            labels = assigned
            if shift <= 0 { break }
        }
        if !strict { labels = nearest(points, centroids, d) }
        return (labels, centroids, iterations)
    }

    private static func nearest(_ points: [Float], _ centroids: [Double], _ d: Int) -> [Int32] {
        let k = centroids.count / d
        return (0..<(points.count / d)).map { i in
            var best = Double.infinity
            var label = 0
            for c in 0..<k {
                var sum = 0.0
                for j in 0..<d {
                    let diff = Double(points[i * d + j]) - centroids[c * d + j]
                    sum += diff * diff
                }
                if sum < best {
                    best = sum
                    label = c
                }
            }
            return Int32(label)
        }
    }
}
