import ConsRouteModel
import Testing

@testable import ConsRouteTuning

@Suite("KMeans: seeded randomized properties")
struct KMeansPropertyTests {
    /// (seed, k, d, n): k beyond 16 exercises several SIMD tiles, d not a multiple of 16 the scalar tails.
    static let cases: [(UInt64, Int, Int, Int)] = [
        (1, 1, 1, 50), (2, 2, 3, 200), (3, 7, 17, 333), (4, 16, 64, 1000), (5, 21, 8, 777), (6, 40, 33, 900),
    ]

    @Test("assignments are the nearest centroids and inertia matches a float64 recomputation", arguments: cases)
    func nearestAndInertia(seed: UInt64, k: Int, d: Int, n: Int) throws {
        var generator = SeededGenerator(seed: seed)
        // A large common offset checks that centring keeps the expansion accurate.
        let points = (0..<(n * d)).map { _ in Float(generator.nextGaussian() * 3 + 500) }
        let result = try KMeans(configuration: .init(clusterCount: k, seed: seed)).fit(points, dimension: d)
        let brute = ClusteringFixtures.nearest(points, centroids: result.centroids, dimension: d)
        var mismatches = 0
        for i in 0..<n where brute.labels[i] != result.assignments[i] {
            // A disagreement is only acceptable on a float32 near-tie.
            let own = distance(points, i, result.centroids, Int(result.assignments[i]), d)
            let best = distance(points, i, result.centroids, Int(brute.labels[i]), d)
            #expect(abs(own - best) <= 1e-4 * max(best, 1))
            mismatches += 1
        }
        #expect(mismatches <= n / 100)
        #expect(abs(brute.inertia - result.inertia) <= 1e-4 * max(brute.inertia, 1))
        #expect(result.counts.reduce(0, +) == n)
        #expect(result.counts.allSatisfy { $0 > 0 })
    }

    @Test("same seed, same result; different seeds may differ but stay valid", arguments: [7, 8, 9] as [UInt64])
    func determinism(seed: UInt64) throws {
        let centres = ClusteringFixtures.separatedCentres(k: 5, d: 6, separation: 4, seed: seed)
        let points = ClusteringFixtures.blobs(centres: centres, perCluster: 80, spread: 1, seed: seed)
        let clusterer = KMeans(configuration: .init(clusterCount: 5, seed: seed))
        #expect(try clusterer.fit(points, dimension: 6) == clusterer.fit(points, dimension: 6))
    }

    @Test("on converged fits every centroid is the mean of its members", arguments: [11, 12, 13] as [UInt64])
    func centroidsAreMeans(seed: UInt64) throws {
        let centres = ClusteringFixtures.separatedCentres(k: 4, d: 3, separation: 6, seed: seed)
        let points = ClusteringFixtures.blobs(centres: centres, perCluster: 60, spread: 1, seed: seed)
        let result = try KMeans(configuration: .init(clusterCount: 4, tolerance: 0, seed: seed))
            .fit(points, dimension: 3)
        #expect(result.converged)
        for c in 0..<4 {
            let members = (0..<240).filter { result.assignments[$0] == Int32(c) }
            for j in 0..<3 {
                let mean = members.reduce(0.0) { $0 + Double(points[$1 * 3 + j]) } / Double(members.count)
                #expect(abs(Double(result.centroids[c * 3 + j]) - mean) < 1e-4)
            }
        }
    }

    @Test("well-separated blobs are recovered exactly", arguments: [21, 22, 23] as [UInt64])
    func recoversBlobs(seed: UInt64) throws {
        let centres = ClusteringFixtures.separatedCentres(k: 6, d: 4, separation: 30, seed: seed)
        let points = ClusteringFixtures.blobs(centres: centres, perCluster: 100, spread: 0.5, seed: seed)
        let result = try KMeans(configuration: .init(clusterCount: 6, seed: seed)).fit(points, dimension: 4)
        #expect(ClusteringFixtures.samePartition(result.assignments, (0..<600).map { Int32($0 % 6) }))
    }

    @Test("radius2 is the nearest-rank quantile of member squared distances", arguments: [0.5, 0.9, 0.99, 1.0])
    func radiusQuantile(quantile: Double) throws {
        var generator = SeededGenerator(seed: 31)
        let points = (0..<(3000 * 2)).map { _ in Float(generator.nextGaussian()) }
        let result = try KMeans(configuration: .init(clusterCount: 3, seed: 31, radiusQuantile: quantile))
            .fit(points, dimension: 2)
        for c in 0..<3 {
            var distances = (0..<3000).filter { result.assignments[$0] == Int32(c) }
                .map { distance(points, $0, result.centroids, c, 2) }
            distances.sort()
            let rank = Int((quantile * Double(distances.count)).rounded(.up))
            #expect(abs(Double(result.radius2[c]) - distances[rank - 1]) <= 1e-5 * max(distances[rank - 1], 1))
            let outside = distances.filter { $0 > Double(result.radius2[c]) * (1 + 1e-6) }.count
            #expect(Double(outside) <= (1 - quantile) * Double(distances.count) + 1)
        }
    }

    @Test("quickselect agrees with sorting, duplicates and every rank included", arguments: [1, 2, 3, 50, 257])
    func quickSelect(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        for _ in 0..<5 {
            let values = (0..<count).map { _ in Float(Int.random(in: 0..<max(2, count / 4), using: &generator)) }
            let sorted = values.sorted()
            for rank in 0..<count {
                var scratch = values
                let selected = scratch.withUnsafeMutableBufferPointer { QuickSelect.element(ofRank: rank, in: $0) }
                #expect(selected == sorted[rank])
            }
        }
    }

    private func distance(_ points: [Float], _ i: Int, _ centroids: [Float], _ c: Int, _ d: Int) -> Double {
        (0..<d).reduce(0.0) {
            let diff = Double(points[i * d + $1]) - Double(centroids[c * d + $1])
            return $0 + diff * diff
        }
    }
}
