import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteLoop

@Suite("Fleet tuner: re-clustering on subsamples")
struct FleetTunerClusteringTests {
    private func tuner(_ configure: (inout FleetTunerSettings) -> Void = { _ in }) -> FleetTuner {
        var settings = FleetTunerSettings()
        settings.clusterCountRange = 2...6
        settings.minimumPointsToCluster = 100
        configure(&settings)
        return FleetTuner(settings: settings, objective: .standard)
    }

    private func window(seed: UInt64 = 1, count: Int = 4_000) -> [Float] {
        var fleet = SyntheticFleet(seed: seed)
        return fleet.window(count: count).0.snapshot()
    }

    @Test("the final fit uses a bounded subsample, and its inertia is scaled to the window")
    func boundedSubsample() throws {
        let points = window()
        let sampled = try tuner { $0.fitSampleSize = 1_000 }.recluster(
            points: points,
            dimension: 8,
            previous: nil,
            nextID: 0
        )
        let whole = try tuner { $0.fitSampleSize = nil }.recluster(
            points: points,
            dimension: 8,
            previous: nil,
            nextID: 0
        )
        #expect(sampled.pointsUsed == 1_000)
        #expect(whole.pointsUsed == 4_000)
        #expect(sampled.clusterCount == 4 && whole.clusterCount == 4)
        #expect(abs(sampled.inertia / whole.inertia - 1) < 0.1)
        // Centroids from a quarter of the window are within a small fraction of the spread of the whole-window ones.
        for c in 0..<4 {
            let centroid = sampled.centroids[(c * 8)..<((c + 1) * 8)]
            let nearest = (0..<4).map { o in
                zip(centroid, whole.centroids[(o * 8)..<((o + 1) * 8)]).reduce(Float(0)) {
                    $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
                }
            }.min()!
            #expect(nearest < 0.05)
        }
    }

    @Test("the same seed gives the same clustering; the k selection runs on a bounded subsample")
    func determinism() throws {
        let points = window(seed: 2)
        let tuner = tuner {
            $0.selectionFitSize = 800
            $0.fitSampleSize = 2_000
        }
        var a = try tuner.recluster(points: points, dimension: 8, previous: nil, nextID: 0)
        var b = try tuner.recluster(points: points, dimension: 8, previous: nil, nextID: 0)
        a.seconds = 0
        b.seconds = 0
        #expect(a == b)
        #expect(a.clusterCount == 4)
        #expect(Set(a.selectionScores.keys) == Set(2...6))
    }

    @Test("representations with no more coordinates than the projection are not projected")
    func noProjectionAtLowDimension() throws {
        let points = window(seed: 3)
        let atDimension = try tuner { $0.selectionProjectionDimension = 8 }.chooseClusterCount(
            points: points,
            dimension: 8
        )
        let original = try tuner { $0.selectionProjectionDimension = nil }.chooseClusterCount(
            points: points,
            dimension: 8
        )
        #expect(atDimension.clusterCount == 4 && original.clusterCount == 4)
        #expect(atDimension.seeds == original.seeds && atDimension.scores == original.scores)
    }

    @Test("a re-clustering warm-started from the previous table keeps its ids")
    func warmStartKeepsIDs() throws {
        var fleet = SyntheticFleet(seed: 4)
        let (reservoir, shadow) = fleet.window(count: 4_000)
        let tuner = tuner { $0.minimumShadowSamples = 100 }
        let first = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let thresholds = try tuner.optimise(clustering: first, shadow: shadow, previous: nil, severe: true)
        let table = tuner.table(
            metadata: FleetTableMetadata(
                fleet: "synthetic",
                fingerprint: Fingerprint(
                    representationModel: "m",
                    representationDim: 8,
                    reranker: "r",
                    promptTemplate: "t"
                ),
                lifetimeMs: 3_600_000,
                reprefillMsPer1kTokens: [40, 15, 5],
                controllerVersion: "test"
            ),
            version: 1,
            parent: 0,
            nowMs: 0,
            clustering: first,
            thresholds: thresholds,
            rollout: .active,
            provenance: Provenance(
                trigger: "bootstrap",
                windowFromMs: 0,
                windowToMs: 1,
                windowEvents: 1,
                windowShadow: 1,
                optimiserRunID: "r1",
                controllerVersion: "test"
            )
        )
        let again = try tuner.recluster(points: window(seed: 5), dimension: 8, previous: table, nextID: first.nextID)
        #expect(again.clusterCount == 4)
        #expect(Set(again.ids) == Set(first.ids) && again.newIDs.isEmpty && again.retiredIDs.isEmpty)
    }
}
