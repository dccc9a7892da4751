import CBenchMallocCounter
import ConsRouteController
import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `tuning`: one fleet tuning (k selection, re-clustering, threshold optimisation) on a full window, at d = 384
/// (sentence embeddings) and d = 2048 (the prefill hidden state of a 1–2B model), on one thread.
///
/// The window is what a `FleetPipeline` with the default settings holds: a `RepresentationReservoir` of
/// `reservoirCapacity` (200,000) Float16 representations, read with `snapshot()` as the pipeline does, and a
/// `ShadowSampleWindow` of `shadowCapacity` (50,000) samples. At d = 2048 that is 0.8 GB of Float16 plus a 1.6 GB
/// Float snapshot during the tuning; this machine has the memory, so the default capacity is measured at both
/// dimensions (`--limit N` measures a smaller reservoir).
///
/// The representations are sentence-embedding-like and deterministic: 12 unit-norm topic directions of unequal
/// weight, each point the normalised sum of its topic and isotropic noise of norm 0.75 (cosine 0.64 between two
/// points of a topic, about 0 across topics). Shadow samples carry 0/1 scores with per-topic accuracies
/// (absolute-quality mode). Each repetition runs a re-tuning: the previous table (from an untimed bootstrap tuning
/// on the same window) warm-starts the fit and gives the ids, as a drift-triggered re-clustering does.
/// `window_inertia` is the float64-accumulated inertia of the whole window to the returned centroids (the quality
/// figure to compare between variants).
enum TuningBenchmark {
    static let dimensions = [384, 2048]
    static let topics = 12
    static let seed: UInt64 = 12

    /// Settings that reproduce the algorithm before the subsampled, projected k selection: every candidate fitted
    /// on 50,000 points in the original coordinates, the final fit on the whole window.
    static func previousAlgorithm(_ settings: FleetTunerSettings) -> FleetTunerSettings {
        var settings = settings
        settings.selectionFitSize = 50_000
        settings.selectionProjectionDimension = nil
        settings.fitSampleSize = nil
        return settings
    }

    /// `CONSROUTE_BENCH_TUNING_DIMENSIONS=384` measures only the listed dimensions; with
    /// `CONSROUTE_BENCH_TUNING_BEFORE=384,2048` the listed ones are also measured with `previousAlgorithm` (minutes
    /// of CPU at d = 2048: give `--repeats 1 --warmup 0`). When the data folder holds `kmeans-100k` (W1), the re-clustering is
    /// also checked there against the true components.
    static func run(_ context: BenchContext) throws {
        let environment = ProcessInfo.processInfo.environment
        func dimensionList(_ name: String) -> [Int]? {
            environment[name].map { $0.split(separator: ",").compactMap { Int($0) } }
        }
        let beforeDimensions = dimensionList("CONSROUTE_BENCH_TUNING_BEFORE") ?? []
        let before = !beforeDimensions.isEmpty
        for d in dimensionList("CONSROUTE_BENCH_TUNING_DIMENSIONS") ?? dimensions {
            var settings = FleetPipelineSettings(metadata: metadata(d), objective: .standard)
            if let limit = context.limit { settings.reservoirCapacity = limit }
            let generateStart = DispatchTime.now().uptimeNanoseconds
            let window = Window(dimension: d, settings: settings)
            let generateSeconds = Double(DispatchTime.now().uptimeNanoseconds - generateStart) / 1e9
            try run(context, window: window, settings: settings, variant: "current", generateSeconds: generateSeconds)
            if beforeDimensions.contains(d) {
                settings.tuner = previousAlgorithm(settings.tuner)
                try run(
                    context,
                    window: window,
                    settings: settings,
                    variant: "previous",
                    generateSeconds: generateSeconds
                )
            }
        }
        if FileManager.default.fileExists(atPath: context.dataRoot.appendingPathComponent("kmeans-100k").path) {
            try runW1(context, previous: before)
        }
    }

    static func run(
        _ context: BenchContext,
        window: Window,
        settings: FleetPipelineSettings,
        variant: String,
        generateSeconds: Double
    ) throws {
        let d = window.reservoir.dimension
        let tuner = FleetTuner(settings: settings.tuner, objective: settings.objective)
        let bootstrap = try tune(tuner, window, previous: nil)
        let previous = tuner.table(
            metadata: settings.metadata,
            version: 1,
            parent: 0,
            nowMs: 0,
            clustering: bootstrap.clustering,
            thresholds: bootstrap.proposal,
            rollout: .active,
            provenance: Provenance(
                trigger: "bootstrap",
                windowFromMs: 0,
                windowToMs: 1,
                windowEvents: 1,
                windowShadow: 1,
                optimiserRunID: "bench",
                controllerVersion: "bench"
            )
        )

        for _ in 0..<context.warmup { _ = try tune(tuner, window, previous: previous) }
        var runs: [Run] = []
        for _ in 0..<max(1, context.repeats) { runs.append(try tune(tuner, window, previous: previous)) }
        let last = runs[runs.count - 1]
        func seconds(_ step: (Run) -> Step) -> [String: Any] {
            let steps = runs.map(step)
            return [
                "median": rounded(median(steps.map(\.wall)), 4), "walls": steps.map { rounded($0.wall, 4) },
                "cpu_median": rounded(median(steps.map(\.cpu)), 4), "cpus": steps.map { rounded($0.cpu, 4) },
            ]
        }
        context.emit([
            "workload": "tuning", "peer": "consroute.FleetTuner", "variant": variant, "dataset": "synthetic-topics",
            "n": window.count, "d": d,
            "params": [
                "topics": topics, "k_range": "\(settings.tuner.clusterCountRange)", "threads": 1,
                "reservoir_capacity": settings.reservoirCapacity, "shadow_samples": window.shadow.count,
                "engine": settings.tuner.engine.rawValue, "warm_start": "previous table",
                "selection_fit_size": settings.tuner.selectionFitSize,
                "selection_projection": settings.tuner.selectionProjectionDimension ?? d,
                "fit_sample_size": settings.tuner.fitSampleSize ?? window.count,
            ] as [String: Any],
            "wall_s": rounded(median(runs.map(\.total.wall)), 4), "walls_s": runs.map { rounded($0.total.wall, 4) },
            "cpu_s": rounded(median(runs.map(\.total.cpu)), 4),
            "repeats": context.repeats, "warmup": context.warmup,
            "snapshot_s": seconds(\.snapshot), "k_selection_s": seconds(\.selection),
            "recluster_s": seconds(\.recluster), "optimise_s": seconds(\.optimise), "total_s": seconds(\.total),
            "k": last.clustering.clusterCount, "bootstrap_k": bootstrap.clustering.clusterCount,
            "selection_scores": Dictionary(
                uniqueKeysWithValues: last.clustering.selectionScores.map { ("\($0.key)", rounded($0.value, 4)) }
            ),
            "points_used": last.clustering.pointsUsed, "inertia_reported": last.clustering.inertia,
            "window_inertia": windowInertia(window, centroids: last.clustering.centroids),
            "bootstrap_window_inertia": windowInertia(window, centroids: bootstrap.clustering.centroids),
            "verdict": "\(last.proposal.verdict)", "generate_s": rounded(generateSeconds, 2),
        ])
    }

    /// W1's `kmeans-100k` (24 anisotropic components in 8 topics, d = 64): a bootstrap re-clustering, timed, with
    /// the chosen k, the float64 inertia of all points to the returned centroids and the ARI against the components.
    static func runW1(_ context: BenchContext, previous: Bool) throws {
        let dataset = try context.dataset("kmeans-100k")
        let column = try dataset.column("points")
        let d = column.shape[1]
        let points = try column.floats()
        let truth = try dataset.column("labels").ints()
        var variants = [("current", FleetTunerSettings())]
        if previous { variants.append(("previous", previousAlgorithm(FleetTunerSettings()))) }
        for (variant, settings) in variants {
            let tuner = FleetTuner(settings: settings, objective: .standard)
            let timing = try context.timed {
                try tuner.recluster(points: points, dimension: d, previous: nil, nextID: 0)
            }
            let clustering = timing.result
            let labels = nearestLabels(points, dimension: d, centroids: clustering.centroids)
            context.emit([
                "workload": "tuning-w1", "peer": "consroute.FleetTuner.recluster", "variant": variant,
                "dataset": "kmeans-100k", "n": points.count / d, "d": d,
                "params": [
                    "k_range": "\(settings.clusterCountRange)", "threads": 1, "true_components": 24,
                    "selection_fit_size": settings.selectionFitSize,
                    "fit_sample_size": settings.fitSampleSize ?? points.count / d,
                ] as [String: Any],
                "wall_s": rounded(timing.median, 4), "walls_s": timing.walls.map { rounded($0, 4) },
                "repeats": context.repeats, "warmup": context.warmup, "k": clustering.clusterCount,
                "points_used": clustering.pointsUsed,
                "inertia": KMeansBenchmark.nearestCentroidInertia(
                    points,
                    dimension: d,
                    centroids: clustering.centroids
                ),
                "ari": rounded(KMeansBenchmark.adjustedRandIndex(truth, labels), 5),
            ])
        }
    }

    /// ||a − b||², 16 lanes at a time (any d).
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        while j + 16 <= d {
            let diff =
                UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
            acc += diff * diff
            j += 16
        }
        var total = acc.sum()
        while j < d {
            total += (a[j] - b[j]) * (a[j] - b[j])
            j += 1
        }
        return total
    }

    static func nearestLabels(_ points: [Float], dimension d: Int, centroids: [Float]) -> [Int32] {
        let k = centroids.count / d
        return (0..<(points.count / d)).map { i in
            var best = Float.infinity
            var label: Int32 = 0
            for c in 0..<k {
                var sum: Float = 0
                for j in 0..<d {
                    let diff = points[i * d + j] - centroids[c * d + j]
                    sum += diff * diff
                }
                if sum < best {
                    best = sum
                    label = Int32(c)
                }
            }
            return label
        }
    }

    /// Wall and thread CPU seconds of one step (the CPU time is the figure on a loaded machine: the tuning runs on
    /// one thread, so it is what one dedicated core would take).
    struct Step {
        var wall: Double
        var cpu: Double
        static func + (a: Step, b: Step) -> Step { Step(wall: a.wall + b.wall, cpu: a.cpu + b.cpu) }
    }

    struct Run {
        var snapshot: Step
        var selection: Step
        var recluster: Step
        var optimise: Step
        var clustering: ClusteringProposal
        var proposal: ThresholdProposal
        /// k selection + re-clustering + optimisation (the snapshot is reported on its own).
        var total: Step { selection + recluster + optimise }
    }

    static func threadCPUSeconds() -> Double {
        Double(consroute_bench_thread_cpu_ns()) / 1e9
    }

    /// One tuning as `FleetPipeline.tune` runs it, each step timed.
    static func tune(_ tuner: FleetTuner, _ window: Window, previous: ThresholdTable?) throws -> Run {
        var clock = (DispatchTime.now().uptimeNanoseconds, threadCPUSeconds())
        func lap() -> Step {
            let now = (DispatchTime.now().uptimeNanoseconds, threadCPUSeconds())
            defer { clock = now }
            return Step(wall: Double(now.0 - clock.0) / 1e9, cpu: now.1 - clock.1)
        }
        let points = window.reservoir.snapshot()
        let snapshot = lap()
        let d = window.reservoir.dimension
        let choice = try tuner.chooseClusterCount(points: points, dimension: d)
        let selection = lap()
        let clustering = try tuner.recluster(
            points: points,
            dimension: d,
            previous: previous,
            nextID: (previous?.clusters.map(\.id).max() ?? 0) + 1,
            choice: choice
        )
        let recluster = lap()
        let proposal = try tuner.optimise(
            clustering: clustering,
            shadow: window.shadow,
            previous: previous,
            severe: true
        )
        let optimise = lap()
        return Run(
            snapshot: snapshot,
            selection: selection,
            recluster: recluster,
            optimise: optimise,
            clustering: clustering,
            proposal: proposal
        )
    }

    /// Σ over the whole window of the float64 squared distance to the nearest centroid.
    static func windowInertia(_ window: Window, centroids: [Float]) -> Double {
        let d = window.reservoir.dimension
        let k = centroids.count / d
        var total = 0.0
        centroids.withUnsafeBufferPointer { c in
            window.reservoir.forEachRow { row in
                var best = Double.infinity
                for cluster in 0..<k {
                    best = min(best, Double(squaredDistance(row.baseAddress!, c.baseAddress! + cluster * d, d)))
                }
                total += best
            }
        }
        return total
    }

    static func metadata(_ d: Int) -> FleetTableMetadata {
        FleetTableMetadata(
            fleet: "tuning",
            fingerprint: Fingerprint(
                representationModel: "bench",
                representationDim: d,
                reranker: "bench",
                promptTemplate: "bench"
            ),
            lifetimeMs: 86_400_000,
            reprefillMsPer1kTokens: [40, 15, 5],
            controllerVersion: "bench"
        )
    }

    /// A full reservoir and shadow window with topic structure.
    struct Window {
        var reservoir: RepresentationReservoir
        var shadow: ShadowSampleWindow
        var count: Int { reservoir.count }

        init(dimension d: Int, settings: FleetPipelineSettings) {
            var generator = SeededGenerator(seed: TuningBenchmark.seed)
            let directions = (0..<topics).map { _ in normalised((0..<d).map { _ in Float(generator.nextGaussian()) }) }
            // Unequal topic weights (the largest topic is 3.75 times the smallest).
            let weights = (0..<topics).map { 1 + Double($0) / 4 }
            let cumulative = weights.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
            let easy = (0..<topics).map { $0 % 3 != 0 }
            reservoir = RepresentationReservoir(dimension: d, capacity: settings.reservoirCapacity)
            shadow = ShadowSampleWindow(dimension: d, capacity: settings.shadowCapacity)
            let noiseScale = 0.75 / Float(d).squareRoot()
            var row = [Float](repeating: 0, count: d)
            let events = settings.reservoirCapacity
            let shadowEvery = max(1, events / settings.shadowCapacity)
            for index in 0..<events {
                let draw = generator.nextUnit() * cumulative[topics - 1]
                let topic = cumulative.firstIndex { draw < $0 } ?? topics - 1
                for j in 0..<d { row[j] = directions[topic][j] + noiseScale * Float(generator.nextGaussian()) }
                row = normalised(row)
                reservoir.append(row)
                guard index % shadowEvery == 0 else { continue }
                shadow.append(
                    Self.shadowEvent(row, easy: easy[topic], time: Int64(index), generator: &generator)
                )
            }
        }

        static func shadowEvent(
            _ representation: [Float],
            easy: Bool,
            time: Int64,
            generator: inout SeededGenerator
        ) -> TelemetryEvent {
            let accuracy: (device: Double, edge: Double, cloud: Double) = easy ? (0.85, 0.92, 0.95) : (0.4, 0.6, 0.7)
            func score(_ p: Double) -> Float { generator.nextUnit() < p ? 1 : 0 }
            let device = score(accuracy.device)
            let edge = max(device, score(accuracy.edge))
            let cloud = max(edge, score(accuracy.cloud))
            func predict(_ s: Float) -> Float { min(1, max(0, 0.5 * s + 0.25 + Float(generator.nextGaussian()) * 0.2)) }
            return TelemetryEvent(
                eventID: EventID.random(using: &generator),
                fleet: "tuning",
                deviceID: "d",
                timeUnixMs: time,
                representation: representation,
                pDevice: predict(device),
                pEdge: predict(edge),
                tier: .cloud,
                latencyMs: 3_920,
                cost: 1,
                shadow: ShadowOutcome(
                    score: TierValues(device: device, edge: edge, cloud: cloud),
                    latencyMs: TierValues(device: 300, edge: 1_390, cloud: 3_920),
                    cost: TierValues(device: 0.04, edge: 0.18, cloud: 1)
                )
            )
        }
    }

    static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}
