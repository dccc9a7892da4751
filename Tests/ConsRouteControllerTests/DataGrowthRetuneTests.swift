import ConsRouteModel
import Testing

@testable import ConsRouteController
@testable import ConsRouteLoop

@Suite("Data-growth re-tune")
struct DataGrowthRetuneTests {
    private func pipeline(growth: Double = 1) -> FleetPipeline {
        // minimumShadowSamples 200; samplesPerCluster 2,000, so that before a table one cluster's worth does not cap
        // the samples the fractions below are of (the default, 500, would).
        var settings = syntheticPipelineSettings()
        settings.tuner.samplesPerCluster = 2_000
        settings.dataGrowthFraction = growth
        return FleetPipeline(settings: settings, current: nil, lastVersion: 0)
    }

    @Test(
        "due once the fraction of the samples the last tuning used arrived anew; after an all-cloud fallback, the minimum"
    )
    func pacing() {
        var pipeline = pipeline()
        pipeline.shadowAtLastTune = 10_000
        pipeline.windowAtLastTune = 5_000
        // The last tuning used 900 samples (after a change cut): at fraction 1, 900 new ones make it due, not 899.
        pipeline.samplesUsedAtLastTune = 900
        pipeline.shadowObserved = 10_899
        #expect(!pipeline.hasGrownSinceLastTune)
        pipeline.shadowObserved = 10_900
        #expect(pipeline.hasGrownSinceLastTune)
        // At 0.25 (the default): 2,000 used make 500 new ones due; 400 used need the minimum, 200.
        var quarter = self.pipeline(growth: 0.25)
        quarter.shadowAtLastTune = 10_000
        quarter.samplesUsedAtLastTune = 2_000
        quarter.shadowObserved = 10_499
        #expect(!quarter.hasGrownSinceLastTune)
        quarter.shadowObserved = 10_500
        #expect(quarter.hasGrownSinceLastTune)
        quarter.samplesUsedAtLastTune = 400
        quarter.shadowObserved = 10_199
        #expect(!quarter.hasGrownSinceLastTune)
        quarter.shadowObserved = 10_200
        #expect(quarter.hasGrownSinceLastTune)
        // An all-cloud fallback records 0: the minimum of new samples (200) is enough.
        pipeline.samplesUsedAtLastTune = 0
        pipeline.shadowObserved = 10_199
        #expect(!pipeline.hasGrownSinceLastTune)
        pipeline.shadowObserved = 10_200
        #expect(pipeline.hasGrownSinceLastTune)
        // Unknown (a restored or rolled-back table): the window's size at the last tuning, at most what a tuning
        // can use (2,000 per cluster; no table: one).
        pipeline.samplesUsedAtLastTune = nil
        pipeline.shadowObserved = 11_999
        #expect(!pipeline.hasGrownSinceLastTune)
        pipeline.shadowObserved = 12_000
        #expect(pipeline.hasGrownSinceLastTune)
    }
}
