import ConsRouteModel

/// A seeded Gaussian random projection from `inputDimension` to `outputDimension` coordinates
/// (Johnson–Lindenstrauss).
///
/// Each output coordinate is a sum of the input coordinates weighted by independent N(0, 1/m) entries, so the
/// expected squared distance between two projected points equals the original one, and with m outputs it is kept
/// within a relative error of about √(8/m) (two standard deviations) for any pair, whatever d is. That is precise
/// enough to *rank* cluster counts by silhouette (cluster-level mean distances average many pairs, so their error
/// is far smaller than a single pair's), while the fits and the pairwise distances of the choice cost m/d of
/// the work. The final clustering always runs in the original coordinates.
public struct RandomProjection: Sendable {
    /// Coordinates per input point (d).
    public let inputDimension: Int
    /// Coordinates per projected point (m).
    public let outputDimension: Int
    /// The matrix, row-major d × tiles, each row the m weights of one input coordinate in SIMD16 tiles
    /// (lanes past m are zero).
    private let panel: [SIMD16<Float>]
    private let tiles: Int

    /// Creates the projection drawn by `seed`.
    /// - Parameters:
    ///   - inputDimension: d, at least 1.
    ///   - outputDimension: m, at least 1.
    ///   - seed: the same seed gives the same matrix.
    public init(inputDimension: Int, outputDimension: Int, seed: UInt64) {
        precondition(inputDimension >= 1 && outputDimension >= 1, "a projection needs dimensions of at least 1")
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        tiles = (outputDimension + 15) / 16
        var generator = SeededGenerator(seed: seed)
        let scale = 1 / Double(outputDimension).squareRoot()
        var panel = [SIMD16<Float>](repeating: SIMD16(), count: inputDimension * tiles)
        for j in 0..<inputDimension {
            for o in 0..<outputDimension {
                panel[j * tiles + o / 16][o % 16] = Float(generator.nextGaussian() * scale)
            }
        }
        self.panel = panel
    }

    /// Projects `points` (row-major n × d) to row-major n × m.
    /// - Complexity: O(n·d·m).
    public func project(_ points: [Float]) -> [Float] {
        precondition(points.count % inputDimension == 0, "points must be n × \(inputDimension)")
        let n = points.count / inputDimension
        let d = inputDimension
        let m = outputDimension
        var output = [Float](repeating: 0, count: n * m)
        var tile = [SIMD16<Float>](repeating: SIMD16(), count: 4 * tiles)
        points.withUnsafeBufferPointer { x in
            panel.withUnsafeBufferPointer { panel in
                output.withUnsafeMutableBufferPointer { out in
                    tile.withUnsafeMutableBufferPointer { acc in
                        var row = 0
                        while row < n {
                            let rows = min(4, n - row)
                            Self.accumulate(
                                x.baseAddress! + row * d,
                                rows: rows,
                                dimension: d,
                                panel: panel.baseAddress!,
                                tiles: tiles,
                                into: acc.baseAddress!
                            )
                            for r in 0..<rows {
                                for o in 0..<m { out[(row + r) * m + o] = acc[r * tiles + o / 16][o % 16] }
                            }
                            row += rows
                        }
                    }
                }
            }
        }
        return output
    }

    /// Writes the projection of up to four consecutive rows to `acc` (row r's tiles at `acc[r·tiles...]`); each
    /// panel row is loaded once for all four.
    @inline(__always)
    private static func accumulate(
        _ x: UnsafePointer<Float>,
        rows: Int,
        dimension d: Int,
        panel: UnsafePointer<SIMD16<Float>>,
        tiles: Int,
        into acc: UnsafeMutablePointer<SIMD16<Float>>
    ) {
        for t in 0..<tiles {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var p = panel + t
            let x0 = x, x1 = x + min(1, rows - 1) * d, x2 = x + min(2, rows - 1) * d, x3 = x + min(3, rows - 1) * d
            for j in 0..<d {
                let w = p.pointee
                a0 += SIMD16(repeating: x0[j]) * w
                a1 += SIMD16(repeating: x1[j]) * w
                a2 += SIMD16(repeating: x2[j]) * w
                a3 += SIMD16(repeating: x3[j]) * w
                p += tiles
            }
            acc[t] = a0
            acc[tiles + t] = a1
            acc[2 * tiles + t] = a2
            acc[3 * tiles + t] = a3
        }
    }
}
