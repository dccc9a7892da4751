import ConsRouteModel

/// The mutable state of a mini-batch k-means run: centred centroids, per-centre accumulated counts,
/// and scikit-learn's early-stopping bookkeeping.
struct MiniBatchSteps {
    let points: PointMatrix
    let clusterCount: Int
    private let offset: [Float]
    private var centroids: [Float]
    private var weightSums: [Double]
    private var search: NearestCentroidSearch
    private var chunk: CentredChunk
    private var chunkLabels = [Int32](repeating: 0, count: CentredChunk.capacity)
    private var chunkPartial = [Float](repeating: 0, count: CentredChunk.capacity)
    private var batchSums: [Double]
    private var batchCounts: [Int]

    /// Prepares a run over `points` centred on `mean`, starting from `initial` (k×d, point coordinates).
    init(points: PointMatrix, mean: [Double], initial: [Float]) {
        let d = points.dimension
        self.points = points
        clusterCount = initial.count / d
        offset = mean.map { Float($0) }
        let offset = self.offset
        centroids = initial.indices.map { initial[$0] - offset[$0 % d] }
        weightSums = [Double](repeating: 0, count: clusterCount)
        search = centroids.withUnsafeBufferPointer { [clusterCount] in
            NearestCentroidSearch(centroids: $0, clusterCount: clusterCount, dimension: d)
        }
        chunk = CentredChunk(dimension: d, offset: offset)
        batchSums = [Double](repeating: 0, count: clusterCount * d)
        batchCounts = [Int](repeating: 0, count: clusterCount)
    }

    /// The current centroids in the points' coordinates.
    var centroidsInPointCoordinates: [Float] {
        let d = points.dimension
        return centroids.indices.map { centroids[$0] + offset[$0 % d] }
    }

    /// Runs steps until early stopping or the step budget `maxEpochs·n / batchSize`.
    /// - Returns: the number of steps run and whether a stopping rule (not the budget) ended the run.
    /// - Complexity: O(steps·batchSize·k·d).
    mutating func run(
        _ configuration: MiniBatchKMeansConfiguration,
        absoluteTolerance: Double,
        generator: inout SeededGenerator
    ) -> (steps: Int, converged: Bool) {
        let n = points.count
        let batchSize = configuration.batchSize
        let budget = max(1, configuration.maxEpochs * n / batchSize)
        let smoothing = min(1, Double(batchSize) * 2 / Double(n + 1))
        var batch = [Int](repeating: 0, count: batchSize)
        var sinceReassignment = 0
        var smoothedInertia: Double?
        var bestSmoothedInertia = Double.infinity
        var stepsWithoutImprovement = 0
        for step in 0..<budget {
            for b in 0..<batchSize { batch[b] = Int.random(in: 0..<n, using: &generator) }
            let previous = centroids
            let inertia = batch.withUnsafeBufferPointer { update(with: $0) }
            sinceReassignment += batchSize
            if configuration.reassignmentRatio > 0,
                weightSums.contains(0) || sinceReassignment >= 10 * clusterCount
            {
                sinceReassignment = 0
                batch.withUnsafeBufferPointer {
                    reassignStarved(ratio: configuration.reassignmentRatio, batch: $0, generator: &generator)
                }
            }
            centroids.withUnsafeBufferPointer { search.load($0) }
            // scikit-learn ignores the first step: its inertia reflects the initialisation.
            if step == 0 { continue }
            let batchInertia = inertia / Double(batchSize)
            let smoothed = smoothedInertia.map { $0 * (1 - smoothing) + batchInertia * smoothing } ?? batchInertia
            smoothedInertia = smoothed
            if absoluteTolerance > 0 {
                var shift = 0.0
                for i in centroids.indices {
                    let delta = Double(centroids[i]) - Double(previous[i])
                    shift += delta * delta
                }
                if shift <= absoluteTolerance { return (step + 1, true) }
            }
            if smoothed < bestSmoothedInertia {
                bestSmoothedInertia = smoothed
                stepsWithoutImprovement = 0
            } else {
                stepsWithoutImprovement += 1
            }
            if let patience = configuration.maxNoImprovement, stepsWithoutImprovement >= patience {
                return (step + 1, true)
            }
        }
        return (budget, false)
    }

    /// Assigns one batch with the current centroids and moves each touched centre to the running mean of
    /// everything it has received. Returns the batch inertia before the move.
    private mutating func update(with batch: UnsafeBufferPointer<Int>) -> Double {
        let d = points.dimension
        for i in batchSums.indices { batchSums[i] = 0 }
        for c in batchCounts.indices { batchCounts[c] = 0 }
        var inertia = 0.0
        var start = 0
        while start < batch.count {
            let rows = min(CentredChunk.capacity, batch.count - start)
            chunk.fill(from: points, indices: UnsafeBufferPointer(rebasing: batch[start..<(start + rows)]))
            chunkLabels.withUnsafeMutableBufferPointer { labels in
                chunkPartial.withUnsafeMutableBufferPointer { partial in
                    search.assign(chunk, labels: labels.baseAddress!, partial: partial.baseAddress!)
                    for r in 0..<rows {
                        inertia += Double(max(0, partial[r] + chunk.squaredNorm(ofRow: r)))
                    }
                    chunk.accumulate(labels: labels.baseAddress!, sums: &batchSums, counts: &batchCounts)
                }
            }
            start += rows
        }
        for c in 0..<clusterCount where batchCounts[c] > 0 {
            let previousWeight = weightSums[c]
            let weight = previousWeight + Double(batchCounts[c])
            for j in 0..<d {
                let index = c * d + j
                centroids[index] = Float((Double(centroids[index]) * previousWeight + batchSums[index]) / weight)
            }
            weightSums[c] = weight
        }
        return inertia
    }

    /// Moves centres whose accumulated count is below `ratio` times the largest to distinct random batch
    /// points (at most half a batch of them, the least-fed first), and gives them the smallest count among
    /// the others so they are not reassigned again at once.
    private mutating func reassignStarved(
        ratio: Double,
        batch: UnsafeBufferPointer<Int>,
        generator: inout SeededGenerator
    ) {
        let largest = weightSums.max() ?? 0
        var starved = (0..<clusterCount).filter { weightSums[$0] < ratio * largest }
        let limit = batch.count / 2
        if starved.count > limit {
            starved = Array(starved.sorted { (weightSums[$0], $0) < (weightSums[$1], $1) }.prefix(limit))
        }
        guard !starved.isEmpty else { return }
        let d = points.dimension
        var positions = Array(0..<batch.count)
        for (slot, cluster) in starved.enumerated() {
            positions.swapAt(slot, Int.random(in: slot..<positions.count, using: &generator))
            let x = points.row(batch[positions[slot]])
            for j in 0..<d { centroids[cluster * d + j] = x[j] - offset[j] }
        }
        let isStarved = Set(starved)
        let smallestKept = (0..<clusterCount).filter { !isStarved.contains($0) }.map { weightSums[$0] }.min() ?? 0
        for cluster in starved { weightSums[cluster] = smallestKept }
    }
}
