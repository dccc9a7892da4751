/// Lloyd's algorithm on centred data, with scikit-learn's stopping rule and empty-cluster relocation,
/// accelerated by Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010).
///
/// Each point keeps an upper bound on the distance to its own centroid and a lower bound on the
/// distance to every other centroid. After the centroids move, the bounds are loosened by how far they
/// moved; a point whose upper bound is below both its lower bound and half the gap from its centroid to
/// the nearest other centroid provably keeps its label and is not touched (its row is not even read).
/// The remaining points are gathered into chunks and searched with `NearestCentroidSearch`. Per-cluster
/// sums are kept in `Double` and updated only for points that change cluster, so an iteration costs
/// O(n) plus O(d·k) per re-examined point. The labels, iteration count and stopping decision are those
/// of plain Lloyd: bounds only skip work whose outcome they prove (with a margin for float rounding).
struct LloydIterations {
    let points: PointMatrix
    let clusterCount: Int
    /// The data mean in `Float`, subtracted from every point and centroid before distance arithmetic.
    let offset: [Float]
    /// The nearest centroid of each point after `run` or `assignAll`.
    private(set) var labels: [Int32]
    /// The current centroids, centred.
    private(set) var centroids: [Float]
    /// Per point, an upper bound on the distance (not squared) to its own centroid.
    var upper: [Float]
    /// Per point, a lower bound on the distance to every other centroid.
    var lower: [Float]
    /// Per centroid, half the distance to the nearest other centroid (rounded down).
    var halfGaps: [Float]
    /// Per centroid, how far it moved in the last M-step (rounded up).
    var movement: [Float]
    /// Points queued for a full search (at most one chunk).
    var pending: [Int] = []
    var chunk: CentredChunk
    private var search: NearestCentroidSearch
    private var largestCentroidNorm2: Float = 0
    /// Per-cluster sums of the centred members, kept current as points change cluster.
    private var sums: [Double]
    private var counts: [Int]
    private var chunkLabels = [Int32](repeating: 0, count: CentredChunk.capacity)
    private var chunkBest = [Float](repeating: 0, count: CentredChunk.capacity)
    private var chunkSecond = [Float](repeating: 0, count: CentredChunk.capacity)

    /// A skipped point's upper bound times this must stay below its lower bounds: it absorbs the float
    /// rounding of the distances (relative error ~1e-6), so a skip is always one plain Lloyd would make.
    static let skipSlack: Float = 1 + 1e-4

    /// Prepares the iterations for `points`, centred on `mean`, starting from `initial` (row-major k×d in
    /// the points' own coordinates).
    init(points: PointMatrix, mean: [Double], initial: [Float]) {
        let d = points.dimension
        self.points = points
        clusterCount = initial.count / d
        let offset = mean.map { Float($0) }
        self.offset = offset
        let centred = initial.indices.map { initial[$0] - offset[$0 % d] }
        centroids = centred
        labels = [Int32](repeating: -1, count: points.count)
        upper = [Float](repeating: 0, count: points.count)
        lower = [Float](repeating: 0, count: points.count)
        search = centred.withUnsafeBufferPointer { [clusterCount] in
            NearestCentroidSearch(centroids: $0, clusterCount: clusterCount, dimension: d)
        }
        halfGaps = [Float](repeating: 0, count: clusterCount)
        movement = [Float](repeating: 0, count: clusterCount)
        sums = [Double](repeating: 0, count: clusterCount * d)
        counts = [Int](repeating: 0, count: clusterCount)
        chunk = CentredChunk(dimension: d, offset: offset)
        pending.reserveCapacity(CentredChunk.capacity)
        refreshCentroidGeometry()
    }

    /// The current centroids in the points' coordinates.
    var centroidsInPointCoordinates: [Float] {
        let d = points.dimension
        return centroids.indices.map { centroids[$0] + offset[$0 % d] }
    }

    /// Runs Lloyd iterations until no label changes, the summed squared centre shift is at most
    /// `absoluteTolerance`, or `maxIterations` iterations have run; then (unless no label changed)
    /// re-assigns every point to the final centroids, as scikit-learn does.
    /// - Returns: the number of iterations run and whether a convergence rule (not the cap) stopped it.
    /// - Complexity: O(iterations·(n + r·k·d)) for r re-examined points per iteration (r = n at worst).
    mutating func run(maxIterations: Int, absoluteTolerance: Double) -> (iterations: Int, converged: Bool) {
        var iterations = 0
        var strict = false
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            let changed = iterations == 1 ? fullPass(accumulate: true) : boundedPass(accumulate: true)
            let shift = moveCentroids()
            if !changed {
                strict = true
                converged = true
                break
            }
            if shift <= absoluteTolerance {
                converged = true
                break
            }
        }
        if !strict { _ = boundedPass(accumulate: false) }
        return (iterations, converged)
    }

    /// Assigns every point to its nearest current centroid without moving any centroid.
    /// - Complexity: O(n·k·d).
    mutating func assignAll() {
        _ = fullPass(accumulate: false)
    }

    /// Searches every point; with `accumulate`, rebuilds the per-cluster sums. Returns whether a label changed.
    private mutating func fullPass(accumulate: Bool) -> Bool {
        if accumulate {
            for i in sums.indices { sums[i] = 0 }
            for c in counts.indices { counts[c] = 0 }
        }
        var changed = false
        var start = 0
        while start < points.count {
            let rows = min(CentredChunk.capacity, points.count - start)
            chunk.fill(from: points, start: start, count: rows)
            for r in 0..<rows { pending.append(start + r) }
            if absorbChunk(moveSums: false) { changed = true }
            if accumulate {
                chunkLabels.withUnsafeBufferPointer {
                    chunk.accumulate(labels: $0.baseAddress!, sums: &sums, counts: &counts)
                }
            }
            start += rows
        }
        return changed
    }

    /// Runs the search on the filled chunk (rows = `pending`), stores labels and fresh bounds, moves the
    /// rows of changed points between sums if asked, and empties `pending`. Returns whether a label changed.
    mutating func absorbChunk(moveSums: Bool) -> Bool {
        chunkLabels.withUnsafeMutableBufferPointer { labels in
            chunkBest.withUnsafeMutableBufferPointer { best in
                chunkSecond.withUnsafeMutableBufferPointer { second in
                    search.assign(
                        chunk,
                        labels: labels.baseAddress!,
                        partial: best.baseAddress!,
                        secondPartial: second.baseAddress!
                    )
                }
            }
        }
        let d = points.dimension
        // Rounding bound of the expansion ||x||² − 2x·μ + ||μ||² in Float (a few ulps per term), used to
        // keep the lower bound a true lower bound.
        let rounding = Float(d) * 4 * Float.ulpOfOne
        var changed = false
        chunk.storage.withUnsafeBufferPointer { rows in
            centroids.withUnsafeBufferPointer { centroids in
                for (r, i) in pending.enumerated() {
                    let row = rows.baseAddress! + r * d
                    let label = Int(chunkLabels[r])
                    let norm = chunk.squaredNorm(ofRow: r)
                    upper[i] = SIMDReductions.squaredDistance(row, centroids.baseAddress! + label * d, d).squareRoot()
                    let margin = rounding * (norm + largestCentroidNorm2)
                    lower[i] = Swift.max(0, norm + chunkSecond[r] - margin).squareRoot()
                    let previous = Int(labels[i])
                    guard previous != label else { continue }
                    changed = true
                    labels[i] = Int32(label)
                    if moveSums {
                        counts[previous] -= 1
                        counts[label] += 1
                        for j in 0..<d {
                            let value = Double(row[j])
                            sums[previous * d + j] -= value
                            sums[label * d + j] += value
                        }
                    }
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
        return changed
    }

    /// The M-step: each centroid becomes its members' mean (empty clusters relocated first, as
    /// scikit-learn does, without touching the persistent sums). Returns the summed squared shift and
    /// records each centroid's movement for the bounds.
    private mutating func moveCentroids() -> Double {
        let d = points.dimension
        var stepSums = sums
        var stepCounts = counts
        if stepCounts.contains(0) { relocateEmptyClusters(sums: &stepSums, counts: &stepCounts) }
        var total = 0.0
        for c in 0..<clusterCount {
            let scale = stepCounts[c] > 0 ? 1 / Double(stepCounts[c]) : 1
            var moved = 0.0
            for j in 0..<d {
                let value = Float(stepSums[c * d + j] * scale)
                let delta = Double(value) - Double(centroids[c * d + j])
                moved += delta * delta
                centroids[c * d + j] = value
            }
            total += moved
            movement[c] = Float(moved.squareRoot() * (1 + 1e-6))
        }
        centroids.withUnsafeBufferPointer { search.load($0) }
        refreshCentroidGeometry()
        return total
    }

    /// Recomputes half the distance from each centroid to its nearest other centroid (rounded down) and
    /// the largest squared centroid norm.
    private mutating func refreshCentroidGeometry() {
        let d = points.dimension
        largestCentroidNorm2 = 0
        centroids.withUnsafeBufferPointer { centroids in
            let base = centroids.baseAddress!
            for c in 0..<clusterCount {
                largestCentroidNorm2 = Swift.max(largestCentroidNorm2, SIMDReductions.squaredNorm(base + c * d, d))
                var nearest = Float.infinity
                for other in 0..<clusterCount where other != c {
                    nearest = Swift.min(nearest, SIMDReductions.squaredDistance(base + c * d, base + other * d, d))
                }
                halfGaps[c] = nearest.squareRoot() * 0.5 * (1 - 1e-5)
            }
        }
    }
}
