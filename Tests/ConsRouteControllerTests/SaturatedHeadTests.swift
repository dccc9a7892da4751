import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteLoop

/// A router head that answers exactly 1 (a saturated float32 sigmoid) sends its queries to the device under every
/// threshold in [0, 1] (`device if p_device >= t_device`), so no table can send them to the cloud. When those
/// queries are ones the device gets wrong, even the cloud-leaning first table is below the floor: all-cloud routing
/// must stay in force rather than publish it (before, it was published whenever no candidate cleared the bound).
@Suite("A head that answers exactly 1")
struct SaturatedHeadTests {
    /// SyntheticFleet's events, except that on topics 2 and 3 the head answers p_device = p_edge = 1 while the device
    /// and the edge are wrong and the cloud is right.
    private func event(_ fleet: inout SyntheticFleet, index: Int, time: Int64) -> TelemetryEvent {
        var event = fleet.event(topic: index % 4, time: time)
        if index % 4 >= 2 {
            event.pDevice = 1
            event.pEdge = 1
            event.shadow?.score = TierValues(device: 0, edge: 0, cloud: 1)
        }
        return event
    }

    @Test(
        "no first table when even the cloud-leaning thresholds are below the floor; the next bootstrap waits for new samples"
    )
    func noFirstTable() throws {
        var fleet = SyntheticFleet(seed: 5)
        var pipeline = FleetPipeline(settings: syntheticPipelineSettings(), current: nil, lastVersion: 0)
        for index in 0..<3_000 { _ = pipeline.observe([event(&fleet, index: index, time: Int64(index) * 10)]) }
        let first = pipeline.tick(nowMs: 30_000)
        let outcome = try #require(first)
        #expect(outcome.table == nil)
        let failure = try #require(outcome.failure)
        #expect(failure.hasPrefix("no first table:"), "\(failure)")
        #expect(failure.contains("all-cloud routing stays in force"))
        let proposal = try #require(outcome.thresholds)
        let fallback = try #require(proposal.cloudLeaning)
        #expect(fallback.qualityRatio < 0.7, "half the traffic is answered wrong by the device under every table")
        // The fallback table is offered only where its own bound clears the floor, with its own figures.
        let bound = try #require(fallback.qualityLowerBound)
        #expect(proposal.cloudLeaningFirstTable(qualityMin: bound + 0.001) == nil)
        let offered = try #require(proposal.cloudLeaningFirstTable(qualityMin: bound))
        #expect(offered.thresholds.isEmpty && offered.strataMargins.isEmpty)
        #expect(
            offered.expected.qualityRatio == fallback.qualityRatio && offered.expected.costRatio == fallback.costRatio
        )

        // As a re-tune on data growth: the next bootstrap is due once a quarter (`dataGrowthFraction`) of the samples
        // a tuning can use (500: one cluster's worth before the first table), and at least `minimumShadowSamples`
        // (200), arrived anew. Every synthetic event carries a shadow sample: 199 new ones make nothing due, the
        // 200th does.
        for index in 3_000..<3_199 { _ = pipeline.observe([event(&fleet, index: index, time: Int64(index) * 10)]) }
        let early = pipeline.tick(nowMs: 40_000)
        #expect(early == nil)
        _ = pipeline.observe([event(&fleet, index: 3_199, time: 31_990)])
        let second = pipeline.tick(nowMs: 41_000)
        let retry = try #require(second)
        #expect(retry.trigger.kind == .bootstrap && retry.table == nil)
    }
}
