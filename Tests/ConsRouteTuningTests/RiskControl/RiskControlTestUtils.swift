import ConsRouteModel
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
            pDevice: pDevice,
            pEdge: pEdge,
            score: score,
            latency: TierColumns(
                device: Array(repeating: 300, count: n),
                edge: Array(repeating: 1_390, count: n),
                cloud: Array(repeating: 3_920, count: n)
            ),
            cost: TierColumns(
                device: Array(repeating: 0.04, count: n),
                edge: Array(repeating: 0.18, count: n),
                cloud: Array(repeating: 1, count: n)
            )
        )
    }
}

/// The standard normal quantile, clamped away from 0 and 1.
func quantile(_ p: Double) -> Double {
    StandardNormal.quantile(min(max(p, 1e-12), 1 - 1e-12))
}

/// The fleet's true quality ratio of per-cluster thresholds, on large independent draws weighted by `shares`.
func trueQualityRatio(
    _ pairs: [ThresholdPair],
    clusters: [BinaryCluster],
    shares: [Double],
    draws: [ShadowSamples]
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
