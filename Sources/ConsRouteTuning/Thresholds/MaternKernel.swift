import Foundation

/// The Matérn-5/2 covariance with one length scale per input dimension (automatic relevance
/// determination): `k(x, y) = s² (1 + √5 r + 5r²/3) exp(-√5 r)`, `r² = Σ_i ((x_i - y_i) / ℓ_i)²`.
public struct MaternKernel: Sendable, Hashable {
    /// ℓ_i, one per input dimension, each > 0.
    public var lengthScales: [Double]
    /// s², the prior variance of the function.
    public var signalVariance: Double

    /// Creates a kernel.
    /// - Parameters:
    ///   - lengthScales: one length scale per input dimension, each > 0.
    ///   - signalVariance: the prior variance, > 0.
    public init(lengthScales: [Double], signalVariance: Double) {
        self.lengthScales = lengthScales
        self.signalVariance = signalVariance
    }

    /// The Matérn-5/2 correlation (covariance divided by s²) at scaled squared distance `r2`.
    @inline(__always)
    public static func correlation(scaledSquaredDistance r2: Double) -> Double {
        let r = (5 * r2).squareRoot()  // √5 r
        return (1 + r + r * r / 3) * exp(-r)
    }

    /// The covariance between two points of the kernel's dimension.
    /// - Parameters:
    ///   - x: a point.
    ///   - y: a point.
    public func covariance(_ x: [Double], _ y: [Double]) -> Double {
        var r2 = 0.0
        for i in 0..<lengthScales.count {
            let d = (x[i] - y[i]) / lengthScales[i]
            r2 += d * d
        }
        return signalVariance * Self.correlation(scaledSquaredDistance: r2)
    }
}
