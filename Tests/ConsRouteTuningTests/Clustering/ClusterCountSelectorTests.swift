import Testing

@testable import ConsRouteTuning

@Suite("ClusterCountSelector")
struct ClusterCountSelectorTests {
    @Test("picks the true number of well-separated blobs", arguments: [(3, 1 as UInt64), (4, 2), (6, 3)])
    func picksTrueCount(k: Int, seed: UInt64) throws {
        let centres = ClusteringFixtures.separatedCentres(k: k, d: 5, separation: 25, seed: seed)
        let points = ClusteringFixtures.blobs(centres: centres, perCluster: 120, spread: 1, seed: seed)
        let selection = try ClusterCountSelector(
            range: 2...8,
            configuration: .init(clusterCount: 2, seed: seed),
            sampleSize: 400
        ).select(points, dimension: 5)
        #expect(selection.clusterCount == k)
        #expect(selection.result.clusterCount == k)
        #expect(Set(selection.scores.keys) == Set(2...8))
        #expect(selection.scores.values.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("a one-point range returns that k")
    func singleCandidate() throws {
        let points = ClusteringFixtures.differentialDataset()
        let selection = try ClusterCountSelector(range: 5...5, configuration: .init(clusterCount: 1))
            .select(points, dimension: 5)
        #expect(selection.clusterCount == 5)
    }

    @Test("invalid bounds and sample sizes are rejected")
    func errors() {
        let points: [Float] = [0, 1, 2, 3]
        #expect(throws: KMeansError.invalidClusterCountRange(min: 0, max: 2)) {
            try ClusterCountSelector(range: 0...2, configuration: .init(clusterCount: 1)).select(points, dimension: 1)
        }
        #expect(throws: KMeansError.moreClustersThanPoints(clusters: 5, points: 4)) {
            try ClusterCountSelector(range: 2...5, configuration: .init(clusterCount: 1)).select(points, dimension: 1)
        }
        #expect(throws: KMeansError.invalidSampleSize(1)) {
            try ClusterCountSelector(range: 1...2, configuration: .init(clusterCount: 1), sampleSize: 1)
                .select(points, dimension: 1)
        }
    }

    @Test("silhouette of a hand-checkable partition")
    func silhouetteKnownAnswer() {
        // Points 0, 1 | 10, 11 on a line: a = 1, b = 10 (mean of 10, 11 from 0 → 10.5; from 1 → 9.5).
        let coordinates: [Float] = [0, 1, 10, 11]
        var distances = [Float](repeating: 0, count: 16)
        for a in 0..<4 { for b in 0..<4 { distances[a * 4 + b] = abs(coordinates[a] - coordinates[b]) } }
        let score = ClusterCountSelector.meanSilhouette(distances: distances, labels: [0, 0, 1, 1], clusterCount: 2)
        let expected = ((10.5 - 1) / 10.5 + (9.5 - 1) / 9.5) / 2
        #expect(abs(score - expected) < 1e-12)
    }
}
