import ConsRouteModel
import ConsRouteTuning
import Foundation

/// Shadow samples whose every tier has the same latency and cost per sample (the hand-checked
/// tests), cloud score 1.
func uniformCostSamples(
    pDevice: [Float],
    pEdge: [Float],
    scoreDevice: [Float],
    scoreEdge: [Float],
    latency: (device: Float, edge: Float, cloud: Float) = (1, 2, 4),
    cost: (device: Float, edge: Float, cloud: Float) = (0, 1, 2)
) throws -> ShadowSamples {
    let n = pDevice.count
    return try ShadowSamples(
        pDevice: pDevice,
        pEdge: pEdge,
        score: TierColumns(device: scoreDevice, edge: scoreEdge, cloud: Array(repeating: 1, count: n)),
        latency: TierColumns(
            device: Array(repeating: latency.device, count: n),
            edge: Array(repeating: latency.edge, count: n),
            cloud: Array(repeating: latency.cloud, count: n)
        ),
        cost: TierColumns(
            device: Array(repeating: cost.device, count: n),
            edge: Array(repeating: cost.edge, count: n),
            cloud: Array(repeating: cost.cloud, count: n)
        )
    )
}

/// A random cluster shaped like W3: predictions correlated with the true scores, the device
/// fastest and cheapest, the cloud slowest and dearest. `difficulty` in [0, 1] lowers the scores.
func randomCluster(count: Int, difficulty: Double, using generator: inout SeededGenerator) throws -> ShadowSamples {
    func sigmoid(_ x: Double) -> Float { Float(1 / (1 + exp(-x))) }
    var pDevice: [Float] = [], pEdge: [Float] = [], scoreDevice: [Float] = [], scoreEdge: [Float] = []
    var latency = TierColumns(device: [], edge: [], cloud: [])
    var cost = TierColumns(device: [], edge: [], cloud: [])
    for _ in 0..<count {
        let hardness = generator.nextGaussian()
        let deviceLogit = 2.5 - 4 * difficulty - hardness
        let edgeLogit = 4 - 3 * difficulty - hardness
        scoreDevice.append(sigmoid(deviceLogit + 0.5 * generator.nextGaussian()))
        scoreEdge.append(sigmoid(edgeLogit + 0.5 * generator.nextGaussian()))
        pDevice.append(sigmoid(deviceLogit + 0.7 * generator.nextGaussian()))
        pEdge.append(sigmoid(edgeLogit + 0.7 * generator.nextGaussian()))
        let tokens = Float(100 + 400 * generator.nextUnit())
        latency.device.append(5 + 0.4 * tokens)
        latency.edge.append(30 + 0.6 * tokens)
        latency.cloud.append(250 + Float(300 * generator.nextUnit()) + tokens)
        cost.device.append(0.002 * tokens / 1000)
        cost.edge.append(0.15 * tokens / 1000)
        cost.cloud.append(tokens / 1000)
    }
    return try ShadowSamples(
        pDevice: pDevice,
        pEdge: pEdge,
        score: TierColumns(device: scoreDevice, edge: scoreEdge, cloud: Array(repeating: 1, count: count)),
        latency: latency,
        cost: cost
    )
}

/// U of `pair` on `samples` by the direct per-sample rule (the reference the engines must match).
func directUtility(
    _ pair: ThresholdPair,
    _ samples: ShadowSamples,
    _ weights: ObjectiveWeights = .standard
) throws
    -> Double
{
    try PolicyEvaluator.evaluate(pair, on: samples).utility(weights)
}
