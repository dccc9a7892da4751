/// How a cluster's per-threshold-pair means are read before the allocation maximises over them.
public enum SurfaceEngine: String, Sendable, CaseIterable, Codable {
    /// The empirical means at every grid pair (exact on the samples).
    case exact
    /// A Gaussian-process surrogate (Matérn-5/2, fitted length scales and noise) of each metric's mean surface,
    /// fitted on an 8 × 8 design at the cluster's prediction quantiles and read at every grid pair: the seed
    /// method's GP, which smooths the empirical surface's sampling noise.
    case gaussianProcess
}

/// GP smoothing of one cluster's mean surfaces (score, latency, cost per grid pair).
enum SurfaceSmoothing {
    /// The design's points per axis.
    static let designSide = 8

    /// The smoothed means, or the input when a surrogate cannot be fitted (too few samples to place a design).
    static func smoothed(
        _ cells: [SIMD4<Double>],
        samples: ShadowSamples,
        grid: ThresholdGrid
    ) -> [SIMD4<Double>] {
        guard samples.count >= designSide else { return cells }
        let g = grid.count
        // Warped coordinates: each threshold's share of the cluster's predictions below it.
        func cdf(_ values: [Float], _ threshold: (Int) -> Float) -> [Double] {
            let sorted = values.sorted()
            return (0..<g).map { sorted.share(below: threshold($0)) }
        }
        let uDevice = cdf(samples.pDevice, grid.device)
        let uEdge = cdf(samples.pEdge, grid.edge)
        func gridIndex(atShare share: Double, _ u: [Double]) -> Int {
            u.firstIndex { $0 >= share } ?? (g - 1)
        }
        var design: [(row: Int, column: Int)] = []
        for i in 0..<designSide {
            for j in 0..<designSide {
                let row = gridIndex(atShare: (Double(i) + 0.5) / Double(designSide), uDevice)
                let column = gridIndex(atShare: (Double(j) + 0.5) / Double(designSide), uEdge)
                if !design.contains(where: { $0 == (row, column) }) { design.append((row, column)) }
            }
        }
        let inputs = design.map { [uDevice[$0.row], uEdge[$0.column]] }
        var points = [Double](repeating: 0, count: 2 * g * g)
        for row in 0..<g {
            for column in 0..<g {
                points[2 * (row * g + column)] = uDevice[row]
                points[2 * (row * g + column) + 1] = uEdge[column]
            }
        }
        var result = cells
        for lane in 0..<3 {
            let targets = design.map { cells[$0.row * g + $0.column][lane] }
            guard let model = try? GaussianProcess.fitted(inputs: inputs, targets: targets) else { return cells }
            let means = model.predictMeans(points: points)
            for index in 0..<(g * g) { result[index][lane] = means[index] }
        }
        return result
    }
}
