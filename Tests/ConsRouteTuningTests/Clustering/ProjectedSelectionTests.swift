import ConsRouteModel
import Testing

@testable import ConsRouteTuning

/// Sentence-embedding-like points: unit-norm topic directions plus isotropic noise of norm 0.75, normalised.
enum TopicFixtures {
    static func points(topics: Int, perTopic: Int, dimension d: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let directions = (0..<topics).map { _ in unit((0..<d).map { _ in Float(generator.nextGaussian()) }) }
        let noise = 0.75 / Float(d).squareRoot()
        var points: [Float] = []
        points.reserveCapacity(topics * perTopic * d)
        for i in 0..<(topics * perTopic) {
            let row = (0..<d).map { directions[i % topics][$0] + noise * Float(generator.nextGaussian()) }
            points.append(contentsOf: unit(row))
        }
        return points
    }

    static func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}

@Suite("RandomProjection")
struct RandomProjectionTests {
    @Test("the same seed gives the same projection; another seed another one")
    func determinism() {
        let points = TopicFixtures.points(topics: 3, perTopic: 5, dimension: 40, seed: 1)
        let a = RandomProjection(inputDimension: 40, outputDimension: 20, seed: 7).project(points)
        let b = RandomProjection(inputDimension: 40, outputDimension: 20, seed: 7).project(points)
        let c = RandomProjection(inputDimension: 40, outputDimension: 20, seed: 8).project(points)
        #expect(a.count == 15 * 20)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("one, two, five rows: each row is projected on its own (blocks of four do not mix rows)")
    func rowsIndependent() {
        let points = TopicFixtures.points(topics: 5, perTopic: 1, dimension: 33, seed: 2)
        let projection = RandomProjection(inputDimension: 33, outputDimension: 17, seed: 3)
        let all = projection.project(points)
        for row in 0..<5 {
            let single = projection.project(Array(points[(row * 33)..<((row + 1) * 33)]))
            #expect(single == Array(all[(row * 17)..<((row + 1) * 17)]))
        }
    }

    @Test("squared distances are kept within the Johnson–Lindenstrauss tolerance at m = 64")
    func distancesPreserved() {
        let d = 384
        let m = 64
        let points = TopicFixtures.points(topics: 4, perTopic: 10, dimension: d, seed: 3)
        let projected = RandomProjection(inputDimension: d, outputDimension: m, seed: 4).project(points)
        func squaredDistance(_ x: [Float], _ a: Int, _ b: Int, _ d: Int) -> Double {
            (0..<d).reduce(0.0) { sum, j in
                let diff = Double(x[a * d + j]) - Double(x[b * d + j])
                return sum + diff * diff
            }
        }
        var ratios: [Double] = []
        for a in 0..<40 {
            for b in (a + 1)..<40 {
                ratios.append(squaredDistance(projected, a, b, m) / squaredDistance(points, a, b, d))
            }
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(abs(mean - 1) < 0.1)
        #expect(ratios.allSatisfy { $0 > 0.4 && $0 < 1.8 })
    }
}

@Suite("PointSubsample")
struct PointSubsampleTests {
    @Test("empty, one, all and more than all rows")
    func edgeCases() {
        #expect(PointSubsample(count: 0, from: 10, seed: 1).indices.isEmpty)
        #expect(PointSubsample(count: 1, from: 10, seed: 1).count == 1)
        #expect(PointSubsample(count: 10, from: 10, seed: 1).indices == Array(0..<10))
        #expect(PointSubsample(count: 50, from: 10, seed: 1).indices == Array(0..<10))
    }

    @Test("distinct ascending rows, bounded, deterministic per seed")
    func bounded() {
        let a = PointSubsample(count: 500, from: 20_000, seed: 9)
        #expect(a.count == 500)
        #expect(a.indices == a.indices.sorted() && Set(a.indices).count == 500)
        #expect(a.indices.allSatisfy { $0 >= 0 && $0 < 20_000 })
        #expect(a == PointSubsample(count: 500, from: 20_000, seed: 9))
        #expect(a != PointSubsample(count: 500, from: 20_000, seed: 10))
        // Uniform: the sampled rows spread over the whole window.
        #expect(a.indices.first! < 1_000 && a.indices.last! > 19_000)
    }

    @Test("rows copies the sampled rows; clusterMeans averages per label")
    func rowsAndMeans() {
        let points: [Float] = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
        let sample = PointSubsample(count: 5, from: 5, seed: 0)
        #expect(sample.rows(of: points, dimension: 2) == points)
        let means = PointSubsample.clusterMeans(of: points, dimension: 2, labels: [0, 0, 1, 1, 1], clusterCount: 3)
        // Cluster 2 is empty: it gets row 2 so that every seed is a real point.
        #expect(means == [0.5, 0.5, 3, 3, 2, 2])
    }
}

@Suite("k selection in a random projection")
struct ProjectedSelectionTests {
    @Test(
        "on well-separated topics at d = 384, the projected choice of k agrees with the full-dimension one",
        arguments: [(6, 1 as UInt64), (9, 2), (12, 3)]
    )
    func agreesWithFullDimension(topics: Int, seed: UInt64) throws {
        let d = 384
        let points = TopicFixtures.points(topics: topics, perTopic: 60, dimension: d, seed: seed)
        let selector = ClusterCountSelector(
            range: 4...14,
            configuration: .init(clusterCount: 4, maxIterations: 30, seed: seed),
            sampleSize: 600
        )
        let full = try selector.select(points, dimension: d)
        let projected = RandomProjection(inputDimension: d, outputDimension: 64, seed: seed).project(points)
        let fast = try selector.select(projected, dimension: 64)
        #expect(full.clusterCount == topics)
        #expect(fast.clusterCount == full.clusterCount)
        // Seeds back in the original coordinates are as good as the full-dimension fit.
        let seeds = PointSubsample.clusterMeans(
            of: points,
            dimension: d,
            labels: fast.result.assignments,
            clusterCount: fast.clusterCount
        )
        let inertia = ClusteringFixtures.nearest(points, centroids: seeds, dimension: d).inertia
        #expect(inertia <= full.result.inertia * 1.001)
    }
}
