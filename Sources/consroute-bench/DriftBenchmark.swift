import ConsRouteTuning
import Foundation

/// W2: streaming drift detection on `drift-stream` and `drift-null` (definitions: docs/benchmarks.md).
///
/// Signals as the peers compute them: each event's nearest of the 16 k-means centroids fitted on the stream's
/// first 100k events, its squared distance divided by the mean over those 100k events (`sqdist`), and the
/// consistency score. The centroids come from our own `KMeans` (k = 16, greedy k-means++, seed 0) fitted on
/// the first 100k events, as the peers fit scikit-learn's.
///
/// One JSON line per detector and signal, in the peers' shape: detections before the first change (false
/// alarms), first detection and delay per change, detections on the null stream, and events/s of the update
/// loop (single thread, median of `repeats` after `warmup`). The composed ``FleetDriftMonitor`` is run as the
/// controller would: on representation drift it is rebased and learns the new occupancy from the stream.
enum DriftBenchmark {
    static func run(_ context: BenchContext) throws {
        let stream = try DriftSignals(context: context, dataset: "drift-stream")
        let null = try DriftSignals(context: context, dataset: "drift-null")
        context.emit([
            "workload": "W2", "peer": "consroute.signal-prep",
            "note":
                "our KMeans(k=16) on the first 100k events, then nearest centroid + squared distance (float64), per stream",
            "stream_s": rounded(stream.preparationSeconds, 3), "null_s": rounded(null.preparationSeconds, 3),
            "ref_mean_sqdist": [
                "stream": stream.referenceMeanSquaredDistance, "null": null.referenceMeanSquaredDistance,
            ],
        ])
        let adwin = ADWINDetector.Configuration()
        let adwinParams: [String: Any] = [
            "delta": adwin.delta, "clock": adwin.clock, "max_buckets": adwin.maxBucketsPerRow,
            "min_subwindow": adwin.minimumSubwindowLength, "grace_period": adwin.gracePeriod,
        ]
        for signal in ["sqdist", "consistency"] {
            try scalar(context, "consroute.ADWIN", signal, adwinParams, stream, null) {
                var detector = try ADWINDetector(configuration: adwin)
                return { detector.update($0) != nil }
            }
        }
        for (name, ph) in [
            ("consroute.PageHinkley(river-defaults)", PageHinkleyDetector.Configuration.riverDefaults),
            ("consroute.PageHinkley(standardized)", PageHinkleyDetector.Configuration()),
        ] {
            let params: [String: Any] = [
                "delta": ph.slack, "threshold": ph.threshold, "min_instances": ph.minimumCount,
                "alpha": ph.fadingFactor, "mode": ph.direction.rawValue, "standardized": ph.standardized,
            ]
            for signal in ["sqdist", "consistency"] {
                try scalar(context, name, signal, params, stream, null) {
                    var detector = try PageHinkleyDetector(configuration: ph)
                    return { detector.update($0) != nil }
                }
            }
        }
        try occupancy(context, stream, null)
        try perClusterOutcome(context, adwin, stream, null)
        try monitor(context, stream, null)
    }

    /// Times one scalar detector over a whole signal; `make` returns a fresh detector's update function.
    private static func scalar(
        _ context: BenchContext,
        _ peer: String,
        _ signal: String,
        _ params: [String: Any],
        _ stream: DriftSignals,
        _ null: DriftSignals,
        make: () throws -> (Double) -> Bool
    ) throws {
        var record: [String: Any] = ["workload": "W2", "peer": peer, "signal": signal, "params": params]
        for (role, data) in [("stream", stream), ("null", null)] {
            let values = signal == "sqdist" ? data.squaredDistance : data.consistency
            let timing = try context.timed { () throws -> [Int] in
                let update = try make()
                var detections: [Int] = []
                for index in values.indices where update(values[index]) { detections.append(index) }
                return detections
            }
            record[role] = data.summary(timing.result, walls: timing.walls, median: timing.median)
        }
        record["wall_s"] = (record["stream"] as? [String: Any])?["wall_s"]
        context.emit(record)
    }

    private static func occupancy(_ context: BenchContext, _ stream: DriftSignals, _ null: DriftSignals) throws {
        let configuration = OccupancyDriftTest.Configuration()
        var record: [String: Any] = [
            "workload": "W2", "peer": "consroute.OccupancyTest", "signal": "nearest-centroid cluster (k=16)",
            "params": [
                "statistic": "chi-square homogeneity, window vs reference",
                "check_interval": configuration.checkInterval,
                "windows": configuration.windowLengths,
                "reference": "learned from the stream",
                "reference_capacity": configuration.referenceCapacity,
                "reference_minimum": configuration.minimumReferenceCount,
                "false_alarms_per_million_events": configuration.falseAlarmsPerMillionEvents,
                "alpha_per_test": configuration.significanceLevel,
                "calibration": "chi-square quantile, Bonferroni over windows x checks",
                "reset_on_detection": true,
            ] as [String: Any],
        ]
        for (role, data) in [("stream", stream), ("null", null)] {
            let timing = try context.timed { () throws -> [Int] in
                var test = try OccupancyDriftTest(clusterCount: data.clusterCount, configuration: configuration)
                var detections: [Int] = []
                for index in data.cluster.indices where try test.observe(cluster: Int(data.cluster[index])) != nil {
                    detections.append(index)
                }
                return detections
            }
            record[role] = data.summary(timing.result, walls: timing.walls, median: timing.median)
        }
        record["wall_s"] = (record["stream"] as? [String: Any])?["wall_s"]
        context.emit(record)
    }

    private static func perClusterOutcome(
        _ context: BenchContext,
        _ adwin: ADWINDetector.Configuration,
        _ stream: DriftSignals,
        _ null: DriftSignals
    ) throws {
        var record: [String: Any] = [
            "workload": "W2", "peer": "consroute.ADWIN-per-cluster",
            "signal": "consistency, one ADWIN per nearest cluster",
            "params": ["delta": adwin.delta, "clock": adwin.clock, "clusters": stream.clusterCount] as [String: Any],
        ]
        for (role, data) in [("stream", stream), ("null", null)] {
            let timing = try context.timed { () throws -> [Int] in
                var detectors = Array(repeating: try ADWINDetector(configuration: adwin), count: data.clusterCount)
                var detections: [Int] = []
                for index in data.cluster.indices
                where detectors[Int(data.cluster[index])].update(data.consistency[index]) != nil {
                    detections.append(index)
                }
                return detections
            }
            record[role] = data.summary(timing.result, walls: timing.walls, median: timing.median)
        }
        record["wall_s"] = (record["stream"] as? [String: Any])?["wall_s"]
        context.emit(record)
    }

    // MARK: - The composed monitor

    /// The composed monitor, fed as the controller will feed it; rebased on every representation drift.
    private static func monitor(_ context: BenchContext, _ stream: DriftSignals, _ null: DriftSignals) throws {
        let configuration = FleetDriftMonitor.Configuration()
        var record: [String: Any] = [
            "workload": "W2", "peer": "consroute.FleetDriftMonitor",
            "signal": "cluster + sqdist + consistency (as the device tier's shadow score of every event)",
            "params": [
                "occupancy_windows": configuration.occupancy.windowLengths,
                "occupancy_false_alarms_per_million_events": configuration.occupancy.falseAlarmsPerMillionEvents,
                "novelty_adwin_delta": configuration.novelty.delta, "outcome_adwin_delta": configuration.outcome.delta,
                "outcome_adwin_clock": configuration.outcome.clock,
                "on_representation_drift": "rebase(reference: learned from the stream)",
            ] as [String: Any],
        ]
        for (role, data) in [("stream", stream), ("null", null)] {
            let timing = try context.timed { () throws -> [(index: Int, kind: String)] in
                let reference = FleetDriftMonitor.Reference(clusterCount: data.clusterCount)
                var monitor = try FleetDriftMonitor(configuration: configuration, reference: reference)
                var detections: [(index: Int, kind: String)] = []
                for index in data.cluster.indices {
                    let observation = FleetDriftMonitor.Observation(
                        cluster: Int(data.cluster[index]),
                        normalizedSquaredDistance: data.squaredDistance[index],
                        shadowScores: .init(device: data.consistency[index], edge: .nan, cloud: .nan)
                    )
                    let events = try monitor.observe(observation)
                    guard !events.isEmpty else { continue }
                    for event in events { detections.append((index, label(event.kind))) }
                    if events.contains(where: { $0.kind.isRepresentationDrift }) {
                        try monitor.rebase(reference: reference)
                    }
                }
                return detections
            }
            let indices = timing.result.map(\.index)
            var summary = data.summary(Array(Set(indices)).sorted(), walls: timing.walls, median: timing.median)
            var byKind: [String: [Int]] = [:]
            for detection in timing.result { byKind[detection.kind, default: []].append(detection.index) }
            summary["detections_by_kind_first_20"] = byKind.mapValues { Array($0.prefix(20)) }
            record[role] = summary
        }
        record["wall_s"] = (record["stream"] as? [String: Any])?["wall_s"]
        context.emit(record)
    }
}

extension DriftBenchmark {
    /// `occupancy`, `novelty`, `outcome(c3,device)`, `latency(edge)`, …: the kind with its cluster and tier.
    fileprivate static func label(_ kind: DriftEvent.Kind) -> String {
        switch kind {
        case .occupancy, .novelty, .quality: return kind.name
        case .outcome(let cluster, let tier): return "outcome(c\(cluster),\(tier))"
        case .latency(let tier), .cost(let tier): return "\(kind.name)(\(tier))"
        }
    }
}

/// The W2 signals of one dataset (see ``DriftBenchmark``), computed once and shared by every detector's run.
struct DriftSignals {
    let name: String
    let clusterCount: Int
    let cluster: [Int32]
    let squaredDistance: [Double]
    let consistency: [Double]
    let changePoints: [(index: Int, type: String)]
    let referenceMeanSquaredDistance: Double
    let preparationSeconds: Double

    /// Reads the dataset, fits 16 centroids on its first `fittedPrefix` events, assigns every event to its
    /// nearest centroid (float64).
    init(context: BenchContext, dataset: String, fittedPrefix: Int = 100_000) throws {
        let data = try context.dataset(dataset)
        name = dataset
        let points = try data.column("points")
        let dimension = points.shape[1]
        let count = points.shape[0]
        let vectors = try points.floats()
        consistency = try data.column("consistency").floats().map(Double.init)
        let start = DispatchTime.now().uptimeNanoseconds
        let centroids = try KMeans(configuration: KMeansConfiguration(clusterCount: 16, seed: 0))
            .fit(Array(vectors.prefix(min(fittedPrefix, count) * dimension)), dimension: dimension).centroids
        clusterCount = centroids.count / dimension
        var cluster = [Int32](repeating: 0, count: count)
        var distance = [Double](repeating: 0, count: count)
        for event in 0..<count {
            var best = Double.infinity
            var bestIndex = 0
            for centroid in 0..<clusterCount {
                var sum = 0.0
                for axis in 0..<dimension {
                    let delta =
                        Double(vectors[event * dimension + axis]) - Double(centroids[centroid * dimension + axis])
                    sum += delta * delta
                }
                if sum < best {
                    best = sum
                    bestIndex = centroid
                }
            }
            cluster[event] = Int32(bestIndex)
            distance[event] = best
        }
        let prefix = min(fittedPrefix, count)
        let referenceMean = distance[0..<prefix].reduce(0, +) / Double(prefix)
        referenceMeanSquaredDistance = referenceMean
        squaredDistance = distance.map { $0 / referenceMean }
        self.cluster = cluster
        preparationSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        changePoints = (data.meta["change_points"] as? [[String: Any]] ?? []).compactMap { point in
            guard let index = point["index"] as? Int, let type = point["type"] as? String else { return nil }
            return (index, type)
        }
    }

    /// The peers' summary of detection indices: false alarms and, per change, first detection and delay.
    func summary(_ detections: [Int], walls: [Double], median wall: Double) -> [String: Any] {
        var out: [String: Any] = ["detections_total": detections.count]
        let n = cluster.count
        if changePoints.isEmpty {
            out["false_alarms"] = detections.count
            out["false_alarms_per_100k_events"] = rounded(Double(detections.count) / (Double(n) / 1e5), 3)
        } else {
            let first = changePoints[0].index
            let early = detections.filter { $0 < first }.count
            out["false_alarms_before_first_change"] = early
            out["false_alarms_per_100k_events_before_first_change"] = rounded(Double(early) / (Double(first) / 1e5), 3)
            out["changes"] = changePoints.enumerated().map { offset, point -> [String: Any] in
                let end = offset + 1 < changePoints.count ? changePoints[offset + 1].index : n
                let inside = detections.filter { $0 >= point.index && $0 < end }
                return [
                    "index": point.index, "type": point.type, "first_detection": inside.first ?? NSNull(),
                    "delay": inside.first.map { $0 - point.index } ?? NSNull(), "detections_in_segment": inside.count,
                ]
            }
            out["detections_first_40"] = Array(detections.prefix(40))
        }
        out["wall_s"] = rounded(wall, 4)
        out["walls_s"] = walls.map { rounded($0, 4) }
        out["updates"] = n
        out["events_per_s"] = Int((Double(n) / wall).rounded())
        return out
    }
}
