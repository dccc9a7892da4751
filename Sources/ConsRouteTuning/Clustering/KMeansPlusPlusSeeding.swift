import ConsRouteModel

/// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's local trials).
///
/// Each new centre is drawn with probability proportional to D(x)², the squared distance to the nearest
/// centre chosen so far; `localTrials` candidates are drawn and the one that lowers the total potential
/// Σ D(x)² most is kept. Starting from given centres (a warm start with fewer than k centroids) simply
/// continues the same process.
///
/// Each step streams the points once and measures all candidates against each row while it is in
/// cache. (Skipping points by the triangle inequality, Raff 2021, was measured slower here: the skipped
/// rows break the hardware prefetcher's stream and the remaining reads become cache misses.)
struct KMeansPlusPlusSeeding {
    let points: PointMatrix
    let localTrials: Int

    /// Returns `clusterCount` centres (row-major, in the points' coordinates): `existing` first, then the
    /// seeded ones.
    /// - Complexity: O(n·d·(k − m)·localTrials) for m existing centres.
    func centres(clusterCount: Int, existing: [Float], generator: inout SeededGenerator) -> [Float] {
        let n = points.count
        let d = points.dimension
        var centres = existing
        centres.reserveCapacity(clusterCount * d)
        if centres.isEmpty {
            let first = Int.random(in: 0..<n, using: &generator)
            centres.append(contentsOf: UnsafeBufferPointer(start: points.row(first), count: d))
        }
        var closest = [Float](repeating: .infinity, count: n)
        centres.withUnsafeBufferPointer { centres in
            for c in 0..<(centres.count / d) {
                let centre = centres.baseAddress! + c * d
                for i in 0..<n {
                    closest[i] = Swift.min(closest[i], SIMDReductions.squaredDistance(points.row(i), centre, d))
                }
            }
        }
        var potential = closest.reduce(0.0) { $0 + Double($1) }
        let trials = localTrials
        var trialDistances = [Float](repeating: 0, count: trials * n)
        var candidates = [Float](repeating: 0, count: trials * d)
        while centres.count < clusterCount * d {
            let targets = (0..<trials).map { _ in generator.nextUnit() * potential }
            let ids = Self.searchSorted(prefixSumsOf: closest, targets: targets)
            for (t, id) in ids.enumerated() {
                for j in 0..<d { candidates[t * d + j] = points.row(id)[j] }
            }
            let potentials = candidateDistances(candidates: candidates, closest: closest, into: &trialDistances)
            var best = 0
            for t in 1..<trials where potentials[t] < potentials[best] { best = t }
            potential = potentials[best]
            closest.withUnsafeMutableBufferPointer { closest in
                trialDistances.withUnsafeBufferPointer { source in
                    closest.baseAddress!.update(from: source.baseAddress! + best * n, count: n)
                }
            }
            centres.append(contentsOf: candidates[(best * d)..<((best + 1) * d)])
        }
        return centres
    }

    /// Fills `out[t·n + i]` with min(D(x_i)², ||x_i − c_t||²) and returns each candidate's potential
    /// (summed afterwards, row by row, so the distance loop carries no dependency through memory).
    private func candidateDistances(candidates: [Float], closest: [Float], into out: inout [Float]) -> [Double] {
        let n = points.count
        let d = points.dimension
        let trials = localTrials
        candidates.withUnsafeBufferPointer { candidates in
            out.withUnsafeMutableBufferPointer { out in
                closest.withUnsafeBufferPointer { closest in
                    let c = candidates.baseAddress!
                    for i in 0..<n {
                        let x = points.row(i)
                        let current = closest[i]
                        var t = 0
                        while t &+ 4 <= trials {
                            let distances = SIMDReductions.squaredDistances4(
                                x,
                                c + t &* d,
                                c + (t &+ 1) &* d,
                                c + (t &+ 2) &* d,
                                c + (t &+ 3) &* d,
                                d
                            )
                            for u in 0..<4 { out[(t &+ u) &* n &+ i] = Swift.min(current, distances[u]) }
                            t &+= 4
                        }
                        while t < trials {
                            out[t &* n &+ i] = Swift.min(current, SIMDReductions.squaredDistance(x, c + t &* d, d))
                            t &+= 1
                        }
                    }
                }
            }
        }
        return out.withUnsafeBufferPointer { out in
            (0..<trials).map { t in SIMDReductions.sumAsDouble(out.baseAddress! + t * n, count: n) }
        }
    }

    /// For each target, the first index whose running sum of `weights` reaches it (numpy's
    /// `searchsorted(cumsum(weights), target)`), clipped to the last index.
    /// - Complexity: O(n + t·log t).
    static func searchSorted(prefixSumsOf weights: [Float], targets: [Double]) -> [Int] {
        let order = targets.indices.sorted { targets[$0] < targets[$1] }
        var result = [Int](repeating: weights.count - 1, count: targets.count)
        var running = 0.0
        var next = 0
        for (i, weight) in weights.enumerated() {
            running += Double(weight)
            while next < order.count, running >= targets[order[next]] {
                result[order[next]] = i
                next += 1
            }
            if next == order.count { break }
        }
        return result
    }
}
