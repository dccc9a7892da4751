import ConsRouteModel
import ConsRouteTuning

/// Seeded synthetic streams for the drift tests (named `Drift…` so they never clash with other suites' helpers).
enum DriftStreams {
    /// `count` Gaussian values with the given mean and standard deviation.
    static func gaussian(count: Int, mean: Double, deviation: Double, generator: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in mean + deviation * generator.nextGaussian() }
    }

    /// `count` Bernoulli(p) values as 0 or 1.
    static func bernoulli(count: Int, probability: Double, generator: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in generator.nextUnit() < probability ? 1 : 0 }
    }

    /// A cluster index drawn from `weights` (which need not sum to 1).
    static func category(_ weights: [Double], generator: inout SeededGenerator) -> Int {
        let total = weights.reduce(0, +)
        var draw = generator.nextUnit() * total
        for (index, weight) in weights.enumerated() {
            draw -= weight
            if draw < 0 { return index }
        }
        return weights.count - 1
    }

    /// `count` cluster indices drawn from `weights`.
    static func categories(count: Int, weights: [Double], generator: inout SeededGenerator) -> [Int] {
        (0..<count).map { _ in category(weights, generator: &generator) }
    }

    /// Indices at which `update` reported a detection.
    static func detections(_ values: [Double], _ update: (Double) -> DriftDetection?) -> [Int] {
        values.indices.filter { update(values[$0]) != nil }
    }
}

/// A fleet whose telemetry can be generated event by event, with knobs to make one part drift.
struct SyntheticFleet {
    var weights: [Double]
    var scoreMeans: [Double]
    var distanceMean = 1.0
    var latencyMilliseconds: [Double] = [40, 120, 400]
    var generator: SeededGenerator

    init(clusterCount: Int, seed: UInt64) {
        weights = (0..<clusterCount).map { 1 + Double($0 % 3) }
        scoreMeans = (0..<clusterCount).map { 0.6 + 0.3 * Double($0) / Double(max(1, clusterCount - 1)) }
        generator = SeededGenerator(seed: seed)
    }

    /// The next event: a shadow sample with device and edge scores, served by a tier drawn uniformly.
    mutating func next() -> FleetDriftMonitor.Observation {
        let cluster = DriftStreams.category(weights, generator: &generator)
        var distance = 0.0
        for _ in 0..<8 {
            let z = generator.nextGaussian()
            distance += z * z
        }
        let score = { (mean: Double, generator: inout SeededGenerator) -> Double in
            min(1, max(0, mean + 0.08 * generator.nextGaussian()))
        }
        let device = score(scoreMeans[cluster], &generator)
        let edge = score(min(1, scoreMeans[cluster] + 0.05), &generator)
        let tier = Tier(rawValue: Int(generator.next() % 3))!
        let latency = latencyMilliseconds[tier.rawValue] * (1 + 0.2 * generator.nextGaussian()).magnitude
        return FleetDriftMonitor.Observation(
            cluster: cluster,
            normalizedSquaredDistance: distanceMean * distance / 8,
            shadowScores: .init(device: device, edge: edge, cloud: 1),
            served: .init(tier: tier, latencyMilliseconds: latency, cost: [0, 1, 10][tier.rawValue])
        )
    }
}
