/// The objective U at every pair of a ``ThresholdGrid``: row = `tDevice` index, column = `tEdge` index.
public struct UtilitySurface: Sendable {
    /// The grid both axes use.
    public let grid: ThresholdGrid
    /// U values, row-major, `grid.count * grid.count` of them.
    public let values: [Double]

    /// U at (`tDevice = grid.device(row)`, `tEdge = grid.edge(column)`).
    public subscript(row: Int, column: Int) -> Double { values[row * grid.count + column] }

    /// The largest U on the grid.
    public var maximum: Double { values.max() ?? -.infinity }

    /// The grid cell chosen as optimum: among cells of maximal U, the middle of the plateau.
    ///
    /// Pairs with the same routing of the training samples have bitwise-equal U, so an optimum is
    /// usually a plateau. Starting from the first maximum in row-major order (numpy's `argmax`),
    /// the cell moves to the middle of the run of equal values along `tDevice` and then along
    /// `tEdge`: the chosen thresholds keep the largest margin to the training samples on both
    /// sides, which generalises better than a plateau's edge.
    /// - Complexity: O(grid.count²).
    public func bestCell() -> (row: Int, column: Int) {
        let g = grid.count
        var best = 0
        for index in 1..<values.count where values[index] > values[best] { best = index }
        let target = values[best]
        func middle(of start: Int, limit: Int, value: (Int) -> Double) -> Int {
            var low = start
            var high = start
            while low > 0, value(low - 1) == target { low -= 1 }
            while high + 1 < limit, value(high + 1) == target { high += 1 }
            return low + (high - low) / 2
        }
        let row = middle(of: best / g, limit: g) { self[$0, best % g] }
        let column = middle(of: best % g, limit: g) { self[row, $0] }
        return (row, column)
    }
}
