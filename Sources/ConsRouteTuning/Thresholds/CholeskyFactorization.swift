import Foundation

/// The lower-triangular Cholesky factor `L` of a small symmetric positive-definite matrix, `A = L Lᵀ`.
///
/// Sized for Gaussian-process surrogates (tens to a few hundred points): plain loops over a
/// row-major buffer.
struct CholeskyFactorization: Sendable {
    /// The matrix order.
    let order: Int
    /// `L`, row-major; entries above the diagonal are zero.
    private(set) var lower: [Double]

    /// Factors `matrix` (row-major, `order x order`); returns nil if it is not positive definite.
    /// - Complexity: O(order³ / 3).
    init?(_ matrix: [Double], order: Int) {
        self.order = order
        var l = [Double](repeating: 0, count: order * order)
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            matrix.withUnsafeBufferPointer { a -> Bool in
                for j in 0..<order {
                    var diagonal = a[j * order + j]
                    for k in 0..<j { diagonal -= l[j * order + k] * l[j * order + k] }
                    guard diagonal > 0, diagonal.isFinite else { return false }
                    let pivot = diagonal.squareRoot()
                    l[j * order + j] = pivot
                    for i in (j + 1)..<order {
                        var sum = a[i * order + j]
                        for k in 0..<j { sum -= l[i * order + k] * l[j * order + k] }
                        l[i * order + j] = sum / pivot
                    }
                }
                return true
            }
        }
        guard ok else { return nil }
        lower = l
    }

    /// `log det A = 2 sum log L_ii`.
    var logDeterminant: Double {
        var sum = 0.0
        for i in 0..<order { sum += Foundation.log(lower[i * order + i]) }
        return 2 * sum
    }

    /// Solves `L z = b` in place.
    /// - Complexity: O(order²).
    func solveLower(_ b: inout [Double]) {
        b.withUnsafeMutableBufferPointer { solveLower($0) }
    }

    /// Solves `L z = b` in place on a buffer of at least `order` elements.
    @inline(__always)
    func solveLower(_ b: UnsafeMutableBufferPointer<Double>) {
        lower.withUnsafeBufferPointer { l in
            for i in 0..<order {
                var sum = b[i]
                let row = i * order
                for k in 0..<i { sum -= l[row + k] * b[k] }
                b[i] = sum / l[row + i]
            }
        }
    }

    /// Solves `A x = b`, i.e. `L Lᵀ x = b`.
    /// - Complexity: O(order²).
    func solve(_ b: [Double]) -> [Double] {
        var x = b
        solveLower(&x)
        lower.withUnsafeBufferPointer { l in
            for i in stride(from: order - 1, through: 0, by: -1) {
                var sum = x[i]
                for k in (i + 1)..<order { sum -= l[k * order + i] * x[k] }
                x[i] = sum / l[i * order + i]
            }
        }
        return x
    }
}
