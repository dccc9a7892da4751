/// Nearest-centroid search with the expansion ||x − μ||² = ||x||² − 2x·μ + ||μ||², blocked for SIMD.
///
/// The centroids are stored transposed and scaled by −2 in a panel of `SIMD16<Float>` (16 centroids per
/// tile, one vector per coordinate), so each multiply-add of the inner loop updates 16 centroids of one
/// point and 8 points share each panel load. Each accumulator starts at ||μ||², so it ends at
/// `||μ||² − 2x·μ`, the squared distance minus ||x||² (which does not change the argmin). Padding lanes
/// start at +∞ and never win. Ties go to the lowest centroid index, as in scikit-learn and the router.
/// (Multiply and add are written unfused; see `SIMDReductions` for why.)
struct NearestCentroidSearch {
    /// Centroids per SIMD tile.
    static let lanes = 16
    /// Points sharing one pass over the panel (8 independent accumulators hide the FMA latency).
    static let rowsPerBlock = 8

    let dimension: Int
    let clusterCount: Int
    let tiles: Int
    private var panel: [SIMD16<Float>]
    private var bias: [SIMD16<Float>]

    /// Prepares the search for `clusterCount` centroids of `dimension` coordinates (row-major, centred
    /// the same way as the points that will be searched).
    init(centroids: UnsafeBufferPointer<Float>, clusterCount: Int, dimension: Int) {
        self.dimension = dimension
        self.clusterCount = clusterCount
        tiles = (clusterCount + Self.lanes - 1) / Self.lanes
        panel = [SIMD16<Float>](repeating: .zero, count: tiles * dimension)
        bias = [SIMD16<Float>](repeating: SIMD16(repeating: .infinity), count: tiles)
        load(centroids)
    }

    /// Replaces the centroids (same count and dimension), reusing the panel's storage.
    /// - Complexity: O(k·d).
    mutating func load(_ centroids: UnsafeBufferPointer<Float>) {
        let d = dimension
        for c in 0..<clusterCount {
            let tile = c / Self.lanes
            let lane = c % Self.lanes
            var norm: Float = 0
            for j in 0..<d {
                let value = centroids[c &* d &+ j]
                norm += value * value
                panel[j &* tiles &+ tile][lane] = -2 * value
            }
            bias[tile][lane] = norm
        }
    }

    /// Assigns every row of `chunk` to its nearest centroid.
    /// - Parameters:
    ///   - chunk: centred rows; rows past `chunk.rows` up to a multiple of 8 must be readable (they are zero).
    ///   - labels: receives the index of the nearest centroid of each row; must have room for the row
    ///     count rounded up to a multiple of 8 (the padding rows' results are written too).
    ///   - partial: same size as `labels`; receives `||μ||² − 2x·μ` for that centroid (the squared
    ///     distance minus ||x||²).
    ///   - secondPartial: if given, same size as `labels`; receives the same quantity for the second
    ///     nearest centroid (+∞ when k = 1), which bounds the distance to every other centroid.
    /// - Complexity: O(rows·k·d).
    func assign(
        _ chunk: CentredChunk,
        labels: UnsafeMutablePointer<Int32>,
        partial: UnsafeMutablePointer<Float>,
        secondPartial: UnsafeMutablePointer<Float>? = nil
    ) {
        chunk.storage.withUnsafeBufferPointer { rows in
            panel.withUnsafeBufferPointer { panel in
                bias.withUnsafeBufferPointer { bias in
                    var start = 0
                    while start < chunk.rows {
                        assignBlock(
                            rows.baseAddress! + start &* dimension,
                            panel: panel.baseAddress!,
                            bias: bias.baseAddress!,
                            labels: labels + start,
                            partial: partial + start,
                            second: secondPartial.map { $0 + start }
                        )
                        start += Self.rowsPerBlock
                    }
                }
            }
        }
    }

    /// Eight rows against every tile; results for all eight are written (padding rows included).
    @inline(__always)
    private func assignBlock(
        _ x: UnsafePointer<Float>,
        panel: UnsafePointer<SIMD16<Float>>,
        bias: UnsafePointer<SIMD16<Float>>,
        labels: UnsafeMutablePointer<Int32>,
        partial: UnsafeMutablePointer<Float>,
        second: UnsafeMutablePointer<Float>?
    ) {
        let d = dimension
        let x0 = x, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d, x4 = x3 + d, x5 = x4 + d, x6 = x5 + d, x7 = x6 + d
        for tile in 0..<tiles {
            let b = bias[tile]
            var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b
            var p = panel + tile
            for j in 0..<d {
                let c = p.pointee
                a0 += SIMD16(repeating: x0[j]) * c
                a1 += SIMD16(repeating: x1[j]) * c
                a2 += SIMD16(repeating: x2[j]) * c
                a3 += SIMD16(repeating: x3[j]) * c
                a4 += SIMD16(repeating: x4[j]) * c
                a5 += SIMD16(repeating: x5[j]) * c
                a6 += SIMD16(repeating: x6[j]) * c
                a7 += SIMD16(repeating: x7[j]) * c
                p += tiles
            }
            let base = Int32(tile &* Self.lanes)
            let first = tile == 0
            if let second {
                Self.mergeWithSecond(a0, base, first, labels, partial, second)
                Self.mergeWithSecond(a1, base, first, labels + 1, partial + 1, second + 1)
                Self.mergeWithSecond(a2, base, first, labels + 2, partial + 2, second + 2)
                Self.mergeWithSecond(a3, base, first, labels + 3, partial + 3, second + 3)
                Self.mergeWithSecond(a4, base, first, labels + 4, partial + 4, second + 4)
                Self.mergeWithSecond(a5, base, first, labels + 5, partial + 5, second + 5)
                Self.mergeWithSecond(a6, base, first, labels + 6, partial + 6, second + 6)
                Self.mergeWithSecond(a7, base, first, labels + 7, partial + 7, second + 7)
            } else {
                Self.merge(a0, base, first, labels, partial)
                Self.merge(a1, base, first, labels + 1, partial + 1)
                Self.merge(a2, base, first, labels + 2, partial + 2)
                Self.merge(a3, base, first, labels + 3, partial + 3)
                Self.merge(a4, base, first, labels + 4, partial + 4)
                Self.merge(a5, base, first, labels + 5, partial + 5)
                Self.merge(a6, base, first, labels + 6, partial + 6)
                Self.merge(a7, base, first, labels + 7, partial + 7)
            }
        }
    }

    /// Folds one row's tile into its running best (strictly smaller wins, so ties keep the lower index).
    @inline(__always)
    private static func merge(
        _ values: SIMD16<Float>,
        _ base: Int32,
        _ first: Bool,
        _ label: UnsafeMutablePointer<Int32>,
        _ best: UnsafeMutablePointer<Float>
    ) {
        let (minimum, lane) = SIMDReductions.argmin(values)
        guard first || minimum < best.pointee else { return }
        best.pointee = minimum
        label.pointee = base &+ (lane < Int32(lanes) ? lane : 0)
    }

    /// `merge`, also keeping the running second smallest value.
    @inline(__always)
    private static func mergeWithSecond(
        _ values: SIMD16<Float>,
        _ base: Int32,
        _ first: Bool,
        _ label: UnsafeMutablePointer<Int32>,
        _ best: UnsafeMutablePointer<Float>,
        _ second: UnsafeMutablePointer<Float>
    ) {
        let (minimum, lane, runnerUp) = SIMDReductions.argminWithSecond(values)
        if first {
            best.pointee = minimum
            second.pointee = runnerUp
            label.pointee = base &+ (lane < Int32(lanes) ? lane : 0)
        } else if minimum < best.pointee {
            second.pointee = Swift.min(best.pointee, runnerUp)
            best.pointee = minimum
            label.pointee = base &+ (lane < Int32(lanes) ? lane : 0)
        } else {
            second.pointee = Swift.min(second.pointee, minimum)
        }
    }
}
