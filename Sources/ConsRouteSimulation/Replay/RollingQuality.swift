/// A policy's quality ratio over a rolling window of events (scores per event kept as Float), and how fast it is
/// back at `q_min` after each phase change. The cloud's scores are kept here once; another policy on the same
/// events keeps only its own served scores and is measured against them (`span(of:from:length:step:qMin:)`).
struct RollingQuality: Sendable {
    /// The policy's served score per event.
    private(set) var served: [Float] = []
    private var cloud: [Float] = []

    mutating func add(served score: Float, cloud cloudScore: Float) {
        served.append(score)
        cloud.append(cloudScore)
    }

    /// The rolling windows inside `from..<served.count`: windows of `length` events ending every `step` events;
    /// nil when none fits.
    func span(from: Int, length: Int, step: Int, qMin: Double) -> ReplayReport.RollingSpan? {
        span(of: served, from: from, length: length, step: step, qMin: qMin)
    }

    /// The same windows for another policy on the same events, given its served score per event.
    func span(of served: [Float], from: Int, length: Int, step: Int, qMin: Double) -> ReplayReport.RollingSpan? {
        precondition(served.count == cloud.count, "a policy's scores must cover the same events")
        guard length > 0, step > 0, from >= 0, from + length <= served.count else { return nil }
        let ratios = ratios(
            of: served,
            endingAt: Array(stride(from: from + length, through: served.count, by: step)),
            length
        )
        return ReplayReport.RollingSpan(
            from: from,
            windows: ratios.count,
            shareAtOrAboveQMin: Double(ratios.filter { $0 >= qMin }.count) / Double(ratios.count),
            lowestQualityRatio: ratios.min() ?? 1
        )
    }

    /// The quality ratio of the window of `length` events ending at each of `ends` (1 where the cloud scored 0:
    /// nothing could be lost).
    private func ratios(of served: [Float], endingAt ends: [Int], _ length: Int) -> [Double] {
        var prefixServed = [Double](repeating: 0, count: served.count + 1)
        var prefixCloud = [Double](repeating: 0, count: served.count + 1)
        for i in served.indices {
            prefixServed[i + 1] = prefixServed[i] + Double(served[i])
            prefixCloud[i + 1] = prefixCloud[i] + Double(cloud[i])
        }
        return ends.map { end in
            let c = prefixCloud[end] - prefixCloud[end - length]
            return c > 0 ? (prefixServed[end] - prefixServed[end - length]) / c : 1
        }
    }

    /// The rolling window's figures after each phase: windows of `length` events ending every `step` events.
    /// `holdShare` (1 - alpha) is the share of windows at or above `q_min` that `eventsToHold` asks for.
    func recoveries(
        phases: [ScenarioPhase],
        length: Int,
        step: Int,
        qMin: Double,
        holdShare: Double
    ) -> [ReplayReport.RollingRecovery] {
        let n = served.count
        guard n >= length, length > 0, step > 0 else { return [] }
        let starts = phases.map(\.at).filter { $0 < n }
        return starts.enumerated().map { position, at in
            let next = position + 1 < starts.count ? starts[position + 1] : n
            let ends = Array(stride(from: max(length, at + step), through: next, by: step))
            let ratios = ratios(of: served, endingAt: ends, length)
            let meets = ratios.map { $0 >= qMin }
            // From the end: how many windows of each suffix are at or above q_min.
            var suffixHeld = [Int](repeating: 0, count: meets.count + 1)
            for k in stride(from: meets.count - 1, through: 0, by: -1) {
                suffixHeld[k] = suffixHeld[k + 1] + (meets[k] ? 1 : 0)
            }
            let recovered = meets.firstIndex(of: true)
            let holdsFrom = (0..<((meets.count + 1) / 2)).first { k in
                meets[k] && Double(suffixHeld[k]) >= holdShare * Double(meets.count - k)
            }
            return ReplayReport.RollingRecovery(
                at: at,
                until: next,
                lowestQualityRatio: ratios.min() ?? 1,
                eventsToRecover: recovered.map { ends[$0] - at },
                windowsAfterRecovery: recovered.map { ends.count - $0 } ?? 0,
                shareAtOrAboveQMin: recovered.map { Double(suffixHeld[$0]) / Double(ends.count - $0) } ?? 0,
                eventsToHold: holdsFrom.map { ends[$0] - at }
            )
        }
    }
}
