extension LloydIterations {
    /// Loosens every bound by the last centroid movement and searches only the points the bounds cannot
    /// settle. With `accumulate`, moves changed points between the per-cluster sums.
    mutating func boundedPass(accumulate: Bool) -> Bool {
        var largest: Float = 0
        var runnerUp: Float = 0
        var largestCluster = -1
        for (c, moved) in movement.enumerated() {
            if moved > largest {
                runnerUp = largest
                largest = moved
                largestCluster = c
            } else if moved > runnerUp {
                runnerUp = moved
            }
        }
        var changed = false
        var next = 0
        while next < points.count {
            var batch = pending
            pending = []
            next = labels.withUnsafeBufferPointer { labels in
                upper.withUnsafeMutableBufferPointer { upper in
                    lower.withUnsafeMutableBufferPointer { lower in
                        movement.withUnsafeBufferPointer { movement in
                            halfGaps.withUnsafeBufferPointer { halfGaps in
                                Self.collectUndecided(
                                    from: next,
                                    labels: labels,
                                    upper: upper,
                                    lower: lower,
                                    movement: movement,
                                    halfGaps: halfGaps,
                                    largest: (largest, largestCluster, runnerUp),
                                    into: &batch
                                )
                            }
                        }
                    }
                }
            }
            pending = batch
            if !pending.isEmpty, flushPending(moveSums: accumulate) { changed = true }
        }
        return changed
    }

    /// Loosens the bounds of points `start...` by the last centroid movement and appends the points the
    /// bounds cannot settle to `batch`, until it holds a chunk. Returns the index to continue from.
    ///
    /// Hamerly would first tighten the upper bound with one exact distance; here the row read is the cost
    /// (a cache miss, serialised by the test that depends on it), so an undecided point goes straight to
    /// the batched search, whose gathered row copies overlap their misses.
    private static func collectUndecided(
        from start: Int,
        labels: UnsafeBufferPointer<Int32>,
        upper: UnsafeMutableBufferPointer<Float>,
        lower: UnsafeMutableBufferPointer<Float>,
        movement: UnsafeBufferPointer<Float>,
        halfGaps: UnsafeBufferPointer<Float>,
        largest: (value: Float, cluster: Int, runnerUp: Float),
        into batch: inout [Int]
    ) -> Int {
        var i = start
        while i < labels.count, batch.count < CentredChunk.capacity {
            let label = Int(labels[i])
            let bound = Swift.max(0, lower[i] - (label == largest.cluster ? largest.runnerUp : largest.value))
            lower[i] = bound
            let distance = upper[i] + movement[label]
            upper[i] = distance
            if distance * skipSlack > Swift.max(bound, halfGaps[label]) { batch.append(i) }
            i += 1
        }
        return i
    }
    /// Searches the pending points as one chunk and absorbs the results.
    private mutating func flushPending(moveSums: Bool) -> Bool {
        pending.withUnsafeBufferPointer { chunk.fill(from: points, indices: $0) }
        return absorbChunk(moveSums: moveSums)
    }
}
