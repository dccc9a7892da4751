import ConsRouteModel

@testable import ConsRouteTuning

/// Shared fixtures of the clustering tests (named for the folder, since other folders of this test
/// target have their own utilities file and Swift rejects two files with the same name in one module).
enum ClusteringFixtures {
    /// The small deterministic dataset of the scikit-learn differential test: 600 points in 5-d, four
    /// overlapping components, every value a multiple of 1/2048 so it is exact in `Float` and in numpy.
    static func differentialDataset(n: Int = 600, d: Int = 5) -> [Float] {
        var h: UInt64 = 12345
        func step() -> UInt64 {
            h = (h &* 1_103_515_245 &+ 12345) % (1 << 31)
            return h
        }
        var points = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let component = Int((step() >> 16) % 4)
            for j in 0..<d {
                let noise = Double(Int((step() >> 8) % 2049) - 1024) / 1024
                points[i * d + j] = Float((j == component ? 2 : 0) + noise * 1.5)
            }
        }
        return points
    }

    /// `perCluster` Gaussian points around each of `centres` (row-major `k×d`), interleaved
    /// (point i belongs to centre i % k), with standard deviation `spread`.
    static func blobs(centres: [[Float]], perCluster: Int, spread: Double, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var points: [Float] = []
        for _ in 0..<perCluster {
            for centre in centres {
                for value in centre { points.append(value + Float(spread * generator.nextGaussian())) }
            }
        }
        return points
    }

    /// `k` random centres in `d` dimensions, at least `separation` apart on some coordinate.
    static func separatedCentres(k: Int, d: Int, separation: Float, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<k).map { c in
            (0..<d).map { j in Float(generator.nextUnit()) + (j == c % d ? separation * Float(c / d + 1) : 0) }
        }
    }

    /// The nearest centroid of each point (ties: lowest index) and the float64 inertia, by brute force.
    static func nearest(_ points: [Float], centroids: [Float], dimension d: Int) -> (labels: [Int32], inertia: Double) {
        let k = centroids.count / d
        var labels: [Int32] = []
        var inertia = 0.0
        for i in 0..<(points.count / d) {
            var best = Double.infinity
            var bestIndex = 0
            for c in 0..<k {
                var sum = 0.0
                for j in 0..<d {
                    let diff = Double(points[i * d + j]) - Double(centroids[c * d + j])
                    sum += diff * diff
                }
                if sum < best {
                    best = sum
                    bestIndex = c
                }
            }
            labels.append(Int32(bestIndex))
            inertia += best
        }
        return (labels, inertia)
    }

    /// Whether `a` and `b` are the same partition up to renaming of the clusters.
    static func samePartition(_ a: [Int32], _ b: [Int32]) -> Bool {
        guard a.count == b.count else { return false }
        var forward: [Int32: Int32] = [:]
        var backward: [Int32: Int32] = [:]
        for (x, y) in zip(a, b) {
            if forward[x, default: y] != y || backward[y, default: x] != x { return false }
            forward[x] = y
            backward[y] = x
        }
        return true
    }
}
