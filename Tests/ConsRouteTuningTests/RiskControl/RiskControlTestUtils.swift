import ConsRouteTuning
import Foundation

/// A population of 0/1-correctness queries for one cluster (absolute-quality mode): per query a shared difficulty,
/// each tier correct with its accuracy (correlated through the difficulty), the cloud sometimes wrong, and noisy
/// predictions of the device's and the edge's correctness.
struct BinaryCluster {
    var device: Double
    var edge: Double
    var cloud: Double

    func draw(_ count: Int, using generator: inout SeededGenerator) -> ShadowSamples {
        var pDevice: [Float] = [], pEdge: [Float] = []
        var score = TierColumns(device: [], edge: [], cloud: [])
        for _ in 0..<count {
            let shared = generator.nextGaussian()
            func correct(_ accuracy: Double) -> (Float, Double) {
                let latent = 0.7 * shared + 0.71 * generator.nextGaussian()
                return (latent < quantile(accuracy) ? 1 : 0, latent)
            }
            let (d, dLatent) = correct(device)
            let (e, eLatent) = correct(edge)
            let (c, _) = correct(cloud)
            score.device.append(d)
            score.edge.append(e)
            score.cloud.append(c)
            func predict(_ latent: Double, _ accuracy: Double) -> Float {
                let seen = latent + 0.9 * generator.nextGaussian()
                return Float(min(0.999, max(0, 1 / (1 + exp(2 * (seen - quantile(accuracy)))))))
            }
            pDevice.append(predict(dLatent, device))
            pEdge.append(predict(eLatent, edge))
        }
        let n = count
        return try! ShadowSamples(
            pDevice: pDevice, pEdge: pEdge, score: score,
            latency: TierColumns(
                device: Array(repeating: 300, count: n), edge: Array(repeating: 1_390, count: n),
                cloud: Array(repeating: 3_920, count: n)),
            cost: TierColumns(
                device: Array(repeating: 0.04, count: n), edge: Array(repeating: 0.18, count: n),
                cloud: Array(repeating: 1, count: n)))
    }
}

/// The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
func quantile(_ p: Double) -> Double {
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
             -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
             -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
             4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let p = min(max(p, 1e-12), 1 - 1e-12)
    if p < 0.02425 {
        let q = (-2 * log(p)).squareRoot()
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    if p > 1 - 0.02425 { return -quantile(1 - p) }
    let q = p - 0.5
    let r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/// The fleet's true quality ratio of per-cluster thresholds, on large independent draws weighted by `shares`.
func trueQualityRatio(
    _ pairs: [ThresholdPair], clusters: [BinaryCluster], shares: [Double], draws: [ShadowSamples]
) -> Double {
    var routed = 0.0
    var cloud = 0.0
    for (index, samples) in draws.enumerated() {
        var r = 0.0
        var c = 0.0
        for i in 0..<samples.count {
            let tier = pairs[index].tier(pDevice: samples.pDevice[i], pEdge: samples.pEdge[i])
            r += Double(samples.score[tier][i])
            c += Double(samples.score.cloud[i])
        }
        routed += shares[index] * r / Double(samples.count)
        cloud += shares[index] * c / Double(samples.count)
    }
    return routed / cloud
}

/// Runs CPU-bound test work on a thread of its own, so it does not hold one of the cooperative pool's threads (two
/// on this machine) for minutes while other suites' servers wait for them.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
