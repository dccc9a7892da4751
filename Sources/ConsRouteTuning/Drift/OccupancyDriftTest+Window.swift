extension OccupancyDriftTest {
    /// Records the checkpoint, grows the reference, and tests every full window.
    mutating func closeCheckpoint() -> DriftDetection? {
        sinceCheckpoint = 0
        checkpoint += 1
        let depth = configuration.longestWindowCheckpoints + 1
        let slot = (checkpoint % depth) * clusterCount
        for cluster in 0..<clusterCount { snapshots[slot + cluster] = cumulative[cluster] }
        growReference(depth: depth)
        var referenceSize = 0.0
        for cluster in 0..<clusterCount { referenceSize += reference[cluster] }
        guard referenceSize >= Double(configuration.minimumReferenceCount) else { return nil }

        var best: DriftDetection?
        var bestRatio = 1.0
        level = 0
        for length in configuration.windowLengths {
            let back = length / configuration.checkInterval
            guard checkpoint >= back else { break }
            let start = ((checkpoint - back) % depth) * clusterCount
            guard let (statistic, degrees) = homogeneityStatistic(windowStart: start, windowEnd: slot) else { continue }
            testCount += 1
            let ratio = statistic / criticalValueByDegrees[degrees]
            level = max(level, ratio)
            if ratio > bestRatio {
                bestRatio = ratio
                best = DriftDetection(
                    statistic: statistic,
                    threshold: criticalValueByDegrees[degrees],
                    windowLength: length
                )
            }
        }
        if best != nil {
            detectionCount += 1
            for cluster in 0..<clusterCount { seed[cluster] = 0 }
            restart()
        }
        return best
    }

    /// Sets the reference to the seed plus every event older than the longest window, until it is full.
    private mutating func growReference(depth: Int) {
        guard !referenceFrozen else { return }
        let aged = checkpoint - configuration.longestWindowCheckpoints
        guard aged > 0 else { return }
        let agedSlot = (aged % depth) * clusterCount
        var size = 0.0
        for cluster in 0..<clusterCount {
            reference[cluster] = seed[cluster] + Double(snapshots[agedSlot + cluster])
            size += reference[cluster]
        }
        referenceFrozen = size >= Double(configuration.referenceCapacity)
    }

    /// The chi-square homogeneity statistic of the window between two snapshots against the reference, and its
    /// degrees of freedom (non-empty clusters − 1); `nil` when fewer than two clusters are non-empty.
    private func homogeneityStatistic(windowStart: Int, windowEnd: Int) -> (Double, Int)? {
        var windowSize = 0.0
        var referenceSize = 0.0
        for cluster in 0..<clusterCount {
            windowSize += Double(snapshots[windowEnd + cluster] - snapshots[windowStart + cluster])
            referenceSize += reference[cluster]
        }
        var sum = 0.0
        var occupied = 0
        for cluster in 0..<clusterCount {
            let window = Double(snapshots[windowEnd + cluster] - snapshots[windowStart + cluster])
            let both = window + reference[cluster]
            guard both > 0 else { continue }
            occupied += 1
            let difference = window / windowSize - reference[cluster] / referenceSize
            sum += difference * difference / both
        }
        guard occupied >= 2 else { return nil }
        return (windowSize * referenceSize * sum, occupied - 1)
    }

    /// Clears the counts and checkpoints and restores the reference to the seed.
    mutating func restart() {
        for cluster in 0..<clusterCount {
            cumulative[cluster] = 0
            reference[cluster] = seed[cluster]
        }
        for index in 0..<snapshots.count { snapshots[index] = 0 }
        checkpoint = 0
        sinceCheckpoint = 0
        referenceFrozen = false
    }

    /// Critical values of χ² at level `level` for 1…k−1 degrees of freedom (index 0 unused).
    static func criticalValues(clusterCount: Int, level: Double) -> [Double] {
        [0] + (1..<clusterCount).map { ChiSquareDistribution.criticalValue(upperTail: level, degreesOfFreedom: $0) }
    }
}
