import ConsRouteModel

/// What changed between two tables of a fleet, as lines for `consroute table diff`.
struct TableDiff {
    let before: ThresholdTable
    let after: ThresholdTable

    var lines: [String] {
        var lines = ["fleet \(after.fleet): version \(before.version) -> \(after.version)"]
        if before.fleet != after.fleet { lines.append("fleet changed: \(before.fleet) -> \(after.fleet)") }
        if before.fingerprint != after.fingerprint {
            lines.append("fingerprint: \(before.fingerprint) -> \(after.fingerprint)")
        }
        if before.rollout != after.rollout {
            lines.append(
                "rollout: \(before.rollout.stage.rawValue) \(before.rollout.percent)% -> \(after.rollout.stage.rawValue) \(after.rollout.percent)%"
            )
        }
        if before.novel != after.novel {
            lines.append("novel: \(pair(before.novel)) -> \(pair(after.novel))")
        }
        let old = Dictionary(uniqueKeysWithValues: before.clusters.map { ($0.id, $0) })
        let new = Dictionary(uniqueKeysWithValues: after.clusters.map { ($0.id, $0) })
        for id in Set(old.keys).union(new.keys).sorted() {
            switch (old[id], new[id]) {
            case (nil, let added?):
                lines.append("cluster \(id): new, \(pair(added.thresholds))")
            case (let retired?, nil):
                lines.append("cluster \(id): retired (was \(pair(retired.thresholds)))")
            case (let a?, let b?):
                var changes: [String] = []
                if a.thresholds != b.thresholds { changes.append("\(pair(a.thresholds)) -> \(pair(b.thresholds))") }
                let shift = zip(a.centroid, b.centroid).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    .squareRoot()
                if shift > 0 { changes.append("centroid moved \(format(shift))") }
                if a.radius2 != b.radius2 { changes.append("radius2 \(format(a.radius2)) -> \(format(b.radius2))") }
                if !changes.isEmpty { lines.append("cluster \(id): " + changes.joined(separator: ", ")) }
            case (nil, nil):
                break
            }
        }
        let ratio = (before.expected.qualityRatio, after.expected.qualityRatio)
        if ratio.0 != ratio.1 { lines.append("expected quality ratio: \(format(ratio.0)) -> \(format(ratio.1))") }
        if lines.count == 1 { lines.append("no changes in routing content") }
        return lines
    }

    private func pair(_ pair: ThresholdPair) -> String {
        "t_device \(format(pair.device)) t_edge \(format(pair.edge))"
    }
}
