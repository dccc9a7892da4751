import Foundation

/// The standard normal distribution's CDF Φ and quantile Φ⁻¹: the normal confidence bound's z (``MeanLowerBound``)
/// and the scenario generator's absolute-mode copula and router head.
public enum StandardNormal {
    /// Φ(x).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step (relative error about
    /// 1e-15). Returns ∓infinity at 0 and 1.
    ///
    /// - Complexity: O(1).
    public static func quantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        let a = [
            -39.696830286653757, 220.94609842452050, -275.92851044696869, 138.35775186726900,
            -30.664798066147160, 2.5066282774592392,
        ]
        let b = [-54.476098798224058, 161.58583685804089, -155.69897985988661, 66.801311887719720, -13.280681552885721]
        let c = [
            -7.7848940024302926e-03, -0.32239645804113648, -2.4007582771618381, -2.5497325393437338,
            4.3746641414649678, 2.9381639826987831,
        ]
        let d = [7.7846957090414622e-03, 0.32246712907003983, 2.4451341373114540, 3.7544086619074162]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // One Halley step on Φ(x) − p.
        let error = cdf(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
