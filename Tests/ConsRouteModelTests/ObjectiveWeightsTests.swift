import ConsRouteModel
import Testing

@Suite("Objective weights")
struct ObjectiveWeightsTests {
    @Test("the validating init and validate() name the first weight out of range")
    func validation() throws {
        #expect(try ObjectiveWeights() == .standard)
        #expect(
            throws: ObjectiveWeightsError.invalidSetting(
                name: "lambdaCost",
                value: -0.5,
                allowed: "a finite number >= 0"
            )
        ) {
            try ObjectiveWeights(lambdaCost: -0.5, qualityMin: .nan)
        }
        var weights = ObjectiveWeights.standard
        weights.qualityMin = .infinity
        #expect(throws: ObjectiveWeightsError.self) { try weights.validate() }
        #expect(
            "\(ObjectiveWeightsError.invalidSetting(name: "penalty", value: -1, allowed: "a finite number >= 0"))"
                == "setting penalty = -1.0 is invalid; allowed: a finite number >= 0"
        )
    }

    @Test("U subtracts the latency and cost terms and the penalty below the quality floor")
    func utility() {
        let weights = ObjectiveWeights.standard
        #expect(weights.unpenalizedUtility(qualityRatio: 1, latencyRatio: 0.5, costRatio: 0.5) == 1 - 0.15 - 0.15)
        let penalised = weights.utility(qualityRatio: 0.9, latencyRatio: 0, costRatio: 0)
        #expect(abs(penalised - (0.9 - 10 * 0.05)) < 1e-12)
    }

    @Test("a table keeps weights and latency reference apart and round-trips both")
    func tableRoundTrip() throws {
        var table = Fixtures.table(dimension: 4, clusters: 2)
        table.objective = try ObjectiveWeights(lambdaLatency: 0.5, lambdaCost: 0.1, qualityMin: 0.9, penalty: 4)
        table.latencyRefMs = 1_234
        let decoded = try ThresholdTable(jsonBytes: try table.canonicalBytes())
        #expect(decoded.objective == table.objective && decoded.latencyRefMs == 1_234)
    }
}
