import Testing

@testable import ConsRouteTuning

@Suite("KMeans: edge cases, known answers, scikit-learn differential")
struct KMeansTests {
    @Test("no points is rejected")
    func emptyInput() {
        #expect(throws: KMeansError.noPoints) {
            try KMeans(configuration: .init(clusterCount: 1)).fit([], dimension: 3)
        }
    }

    @Test("a misshaped buffer and a bad dimension are rejected")
    func shapeErrors() {
        #expect(throws: KMeansError.pointCountNotMultipleOfDimension(values: 5, dimension: 2)) {
            try KMeans(configuration: .init(clusterCount: 1)).fit([1, 2, 3, 4, 5], dimension: 2)
        }
        #expect(throws: KMeansError.invalidDimension(0)) {
            try KMeans(configuration: .init(clusterCount: 1)).fit([1, 2], dimension: 0)
        }
    }

    @Test("k greater than n is a clear error")
    func moreClustersThanPoints() {
        #expect(throws: KMeansError.moreClustersThanPoints(clusters: 3, points: 2)) {
            try KMeans(configuration: .init(clusterCount: 3)).fit([0, 1], dimension: 1)
        }
    }

    @Test("NaN and infinity are named by point and coordinate")
    func nonFinite() {
        #expect(throws: KMeansError.nonFiniteValue(point: 1, coordinate: 0)) {
            try KMeans(configuration: .init(clusterCount: 1)).fit([0, 0, .nan, 1], dimension: 2)
        }
        #expect(throws: KMeansError.nonFiniteValue(point: 0, coordinate: 1)) {
            try KMeans(configuration: .init(clusterCount: 1)).fit([0, -.infinity], dimension: 2)
        }
    }

    @Test("invalid settings are rejected with the setting named")
    func invalidSettings() {
        let points: [Float] = [0, 1, 2, 3]
        #expect(throws: KMeansError.invalidClusterCount(0)) {
            try KMeans(configuration: .init(clusterCount: 0)).fit(points, dimension: 1)
        }
        #expect(throws: KMeansError.invalidMaxIterations(0)) {
            try KMeans(configuration: .init(clusterCount: 1, maxIterations: 0)).fit(points, dimension: 1)
        }
        #expect(throws: KMeansError.invalidTolerance(-1)) {
            try KMeans(configuration: .init(clusterCount: 1, tolerance: -1)).fit(points, dimension: 1)
        }
        #expect(throws: KMeansError.invalidRadiusQuantile(0)) {
            try KMeans(configuration: .init(clusterCount: 1, radiusQuantile: 0)).fit(points, dimension: 1)
        }
        #expect(throws: KMeansError.invalidInitialCentroids(values: 3, dimension: 1, clusters: 2)) {
            try KMeans(configuration: .init(clusterCount: 2, initialization: .centroids([0, 1, 2])))
                .fit(points, dimension: 1)
        }
        #expect(KMeansError.invalidTolerance(-1).description.contains("tolerance"))
    }

    @Test("one point, one cluster")
    func onePoint() throws {
        let result = try KMeans(configuration: .init(clusterCount: 1)).fit([3, -2], dimension: 2)
        #expect(result.centroids == [3, -2])
        #expect(result.assignments == [0])
        #expect(result.inertia == 0)
        #expect(result.counts == [1])
        #expect(result.radius2 == [0])
    }

    @Test("two points, two clusters: each point is its own centroid")
    func twoPoints() throws {
        let result = try KMeans(configuration: .init(clusterCount: 2, seed: 3)).fit([0, 0, 4, 4], dimension: 2)
        #expect(Set([Array(result.centroid(0)), Array(result.centroid(1))]) == Set([[0, 0], [4, 4]]))
        #expect(result.inertia == 0)
        #expect(result.counts == [1, 1])
    }

    @Test("hand-checkable 1-d example (d = 1)")
    func knownAnswerOneDimension() throws {
        // {0, 1, 2} and {10, 11, 12}: means 1 and 11, inertia 2·(1 + 0 + 1) = 4.
        let points: [Float] = [0, 10, 1, 11, 2, 12]
        let result = try KMeans(configuration: .init(clusterCount: 2, initialization: .firstK))
            .fit(points, dimension: 1)
        #expect(result.centroids == [1, 11])
        #expect(result.assignments == [0, 1, 0, 1, 0, 1])
        #expect(result.inertia == 4)
        #expect(result.counts == [3, 3])
        #expect(result.radius2 == [1, 1])
        #expect(result.converged)
    }

    @Test("hand-checkable 2-d example: square corners around two centres")
    func knownAnswerTwoDimensions() throws {
        let points: [Float] = [-1, -1, -1, 1, 1, -1, 1, 1, 9, 9, 9, 11, 11, 9, 11, 11]
        let result = try KMeans(configuration: .init(clusterCount: 2, seed: 11)).fit(points, dimension: 2)
        let centres = Set([Array(result.centroid(0)), Array(result.centroid(1))])
        #expect(centres == Set([[0, 0], [10, 10]]))
        #expect(result.inertia == 16)
        #expect(result.radius2 == [2, 2])
    }

    @Test("all points identical: no NaN, zero inertia, every centroid at the point")
    func allIdentical() throws {
        let points = [Float](repeating: 0, count: 40).indices.map { $0 % 2 == 0 ? Float(5) : Float(-3) }
        for initialization in [KMeansConfiguration.Initialization.kMeansPlusPlus, .firstK] {
            let result = try KMeans(configuration: .init(clusterCount: 3, initialization: initialization))
                .fit(points, dimension: 2)
            #expect(result.inertia == 0)
            #expect(result.centroids == [5, -3, 5, -3, 5, -3])
            #expect(result.counts.reduce(0, +) == 20)
            #expect(result.converged)
        }
    }

    @Test("k equal to n puts every point in its own cluster")
    func clustersEqualPoints() throws {
        let points: [Float] = [0, 3, 7, 20, 21]
        let result = try KMeans(configuration: .init(clusterCount: 5, seed: 2)).fit(points, dimension: 1)
        #expect(result.inertia == 0)
        #expect(result.counts == [1, 1, 1, 1, 1])
        #expect(Set(result.centroids) == Set(points))
    }

    @Test("an empty cluster is re-seeded from the farthest point")
    func emptyClusterRelocation() throws {
        // Iteration 1: {0, 1, 2} -> 1 and {18, 19, 20} -> 10; the centroid at 1000 attracts nothing, so
        // (as in scikit-learn) it takes the point farthest from its own centre: 20, at distance 10 from 10.
        // Then {18, 19} -> 18.5 and {20} -> 20, and iteration 2 moves nothing (shift 0 <= tol). scikit-learn
        // gives the same: KMeans(3, init=[[1], [10], [1000]], n_init=1) -> centres [1, 18.5, 20],
        // labels [0 0 0 1 1 2], n_iter_ 2, inertia 2.5.
        let points: [Float] = [0, 1, 2, 18, 19, 20]
        let result = try KMeans(
            configuration: .init(
                clusterCount: 3,
                initialization: .centroids([1, 10, 1000])
            )
        ).fit(points, dimension: 1)
        #expect(result.centroids == [1, 18.5, 20])
        #expect(result.assignments == [0, 0, 0, 1, 1, 2])
        #expect(result.inertia == 2.5)
        #expect(result.counts == [3, 2, 1])
        #expect(result.iterations == 2)
    }

    @Test("warm start from fewer centroids completes them with k-means++")
    func partialWarmStart() throws {
        let centres = ClusteringFixtures.separatedCentres(k: 3, d: 2, separation: 20, seed: 1)
        let points = ClusteringFixtures.blobs(centres: centres, perCluster: 50, spread: 0.3, seed: 2)
        let result = try KMeans(configuration: .init(clusterCount: 3, initialization: .centroids(centres[0])))
            .fit(points, dimension: 2)
        let truth = (0..<150).map { Int32($0 % 3) }
        #expect(ClusteringFixtures.samePartition(result.assignments, truth))
    }

    /// Reference numbers from scikit-learn 1.x in /work/peers-venv (float32 data, one thread):
    /// ```python
    /// X = dataset()   # the generator of ClusteringFixtures.differentialDataset, transcribed
    /// for k in (3, 5, 8):
    ///     m = KMeans(n_clusters=k, init=X[:k].copy(), n_init=1, algorithm="lloyd",
    ///                max_iter=100, tol=1e-4).fit(X)
    ///     C = m.cluster_centers_.astype(np.float64); X64 = X.astype(np.float64)
    ///     inertia = float(((X64[:, None, :] - C[None]) ** 2).sum(-1).min(1).sum())
    ///     print(k, m.n_iter_, repr(inertia))
    /// # 3 11 2591.509849145795 / 5 17 1984.3951453380819 / 8 18 1723.3629578255955 (all strict convergence)
    /// ```
    @Test(
        "first-k Lloyd matches scikit-learn's iterations and inertia",
        arguments: [
            (3, 11, 2591.509849145795), (5, 17, 1984.3951453380819), (8, 18, 1723.3629578255955),
        ]
    )
    func differentialAgainstScikitLearn(k: Int, iterations: Int, inertia: Double) throws {
        let points = ClusteringFixtures.differentialDataset()
        let result = try KMeans(configuration: .init(clusterCount: k, initialization: .firstK))
            .fit(points, dimension: 5)
        #expect(result.iterations == iterations)
        let recomputed = ClusteringFixtures.nearest(points, centroids: result.centroids, dimension: 5).inertia
        #expect(abs(recomputed - inertia) / inertia < 1e-4)
        #expect(result.converged)
    }

    @Test("maxIterations caps the loop and reports no convergence")
    func iterationCap() throws {
        let points = ClusteringFixtures.differentialDataset()
        let result = try KMeans(configuration: .init(clusterCount: 8, maxIterations: 2, initialization: .firstK))
            .fit(points, dimension: 5)
        #expect(result.iterations == 2)
        #expect(!result.converged)
        // Even when stopped early, the assignments are consistent with the returned centroids.
        #expect(
            result.assignments == ClusteringFixtures.nearest(points, centroids: result.centroids, dimension: 5).labels
        )
    }
}
