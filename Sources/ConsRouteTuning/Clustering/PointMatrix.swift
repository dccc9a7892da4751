/// A borrowed, validated view of `count` points of `dimension` floats stored row-major.
///
/// Only valid inside the `withUnsafeBufferPointer` scope that produced it; never stored.
struct PointMatrix {
    let base: UnsafePointer<Float>
    let count: Int
    let dimension: Int

    /// Wraps `buffer` after checking its shape.
    /// - Throws: `KMeansError` if `dimension < 1`, the buffer is empty, or its length is not a multiple of `dimension`.
    init(_ buffer: UnsafeBufferPointer<Float>, dimension: Int) throws {
        guard dimension >= 1 else { throw KMeansError.invalidDimension(dimension) }
        guard buffer.count % dimension == 0 else {
            throw KMeansError.pointCountNotMultipleOfDimension(values: buffer.count, dimension: dimension)
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else { throw KMeansError.noPoints }
        self.base = base
        self.count = buffer.count / dimension
        self.dimension = dimension
    }

    /// The first coordinate of point `index`.
    @inline(__always)
    func row(_ index: Int) -> UnsafePointer<Float> {
        base + index &* dimension
    }

    /// The per-coordinate mean and the mean per-coordinate (population) variance, both in `Double`.
    ///
    /// One pass over the data, on values shifted by the first point so that a large common offset does
    /// not cancel: var = E[(x − x₀)²] − (E[x − x₀])², exact enough in `Double` unless x₀ lies ~10⁸
    /// standard deviations from the rest.
    /// - Throws: `KMeansError.nonFiniteValue` naming the first NaN or infinity, or `.valuesTooLarge`.
    /// - Complexity: O(n·d).
    func columnStatistics() throws -> (mean: [Double], meanVariance: Double) {
        let d = dimension
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        let origin = row(0)
        sums.withUnsafeMutableBufferPointer { sums in
            squares.withUnsafeMutableBufferPointer { squares in
                for i in 0..<count {
                    let x = row(i)
                    for j in 0..<d {
                        let shifted = Double(x[j]) - Double(origin[j])
                        sums[j] += shifted
                        squares[j] += shifted * shifted
                    }
                }
            }
        }
        guard sums.allSatisfy(\.isFinite), squares.allSatisfy(\.isFinite) else { throw firstNonFiniteError() }
        let n = Double(count)
        var mean = [Double](repeating: 0, count: d)
        var variance = 0.0
        for j in 0..<d {
            let shiftedMean = sums[j] / n
            mean[j] = Double(origin[j]) + shiftedMean
            variance += Swift.max(0, squares[j] / n - shiftedMean * shiftedMean)
        }
        return (mean, variance / Double(d))
    }

    private func firstNonFiniteError() -> KMeansError {
        for i in 0..<count {
            let x = row(i)
            for j in 0..<dimension where !x[j].isFinite {
                return .nonFiniteValue(point: i, coordinate: j)
            }
        }
        return .valuesTooLarge
    }
}
