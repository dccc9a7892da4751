/// Minimum-cost assignment on a rectangular cost matrix (the Hungarian method with potentials,
/// Kuhn–Munkres in the Jonker–Volgenant shortest-augmenting-path form).
enum HungarianAssignment {
    /// Pairs every row with a distinct column (or every column with a distinct row, whichever is fewer)
    /// so that the summed cost is minimal.
    /// - Parameters:
    ///   - costs: row-major `rows×columns` finite costs.
    ///   - rows: the number of rows.
    ///   - columns: the number of columns.
    /// - Returns: for each row, its column, or `nil` when there are more rows than columns and the row is
    ///   left out.
    /// - Complexity: O(min(r, c)²·max(r, c)).
    static func solve(costs: [Double], rows: Int, columns: Int) -> [Int?] {
        precondition(costs.count == rows * columns, "costs must hold rows*columns values")
        if rows == 0 || columns == 0 { return [Int?](repeating: nil, count: rows) }
        if rows > columns {
            var transposed = [Double](repeating: 0, count: rows * columns)
            for r in 0..<rows {
                for c in 0..<columns { transposed[c * rows + r] = costs[r * columns + c] }
            }
            let columnToRow = solve(costs: transposed, rows: columns, columns: rows)
            var result = [Int?](repeating: nil, count: rows)
            for (column, row) in columnToRow.enumerated() {
                if let row { result[row] = column }
            }
            return result
        }
        // rows <= columns: 1-based arrays, column 0 is the virtual start of each augmenting path.
        let n = rows
        let m = columns
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var owner = [Int](repeating: 0, count: m + 1)
        var way = [Int](repeating: 0, count: m + 1)
        for row in 1...n {
            owner[0] = row
            var column0 = 0
            var minimum = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[column0] = true
                let row0 = owner[column0]
                var delta = Double.infinity
                var column1 = 0
                for column in 1...m where !used[column] {
                    let reduced = costs[(row0 - 1) * m + column - 1] - u[row0] - v[column]
                    if reduced < minimum[column] {
                        minimum[column] = reduced
                        way[column] = column0
                    }
                    if minimum[column] < delta {
                        delta = minimum[column]
                        column1 = column
                    }
                }
                for column in 0...m {
                    if used[column] {
                        u[owner[column]] += delta
                        v[column] -= delta
                    } else {
                        minimum[column] -= delta
                    }
                }
                column0 = column1
            } while owner[column0] != 0
            repeat {
                let column1 = way[column0]
                owner[column0] = owner[column1]
                column0 = column1
            } while column0 != 0
        }
        var result = [Int?](repeating: nil, count: n)
        for column in 1...m where owner[column] != 0 {
            result[owner[column] - 1] = column - 1
        }
        return result
    }
}
