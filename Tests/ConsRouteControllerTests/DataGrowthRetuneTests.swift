import ConsRouteModel
import Testing

@testable import ConsRouteController

@Suite("Data-growth re-tune")
struct DataGrowthRetuneTests {
    private func pipeline() -> FleetPipeline {
        // minimumShadowSamples 200, samplesPerCluster 2,000 (the default).
        FleetPipeline(settings: syntheticPipelineSettings(), current: nil, lastVersion: 0)
    }

    @Test(
        "due once as many new samples arrived as the last tuning used; after an all-cloud fallback, after the minimum"
    )
    func pacing() {
        var pipeline = pipeline()
        pipeline.shadowAtLastTune = 10_000
        pipeline.windowAtLastTune = 5_000
        // The last tuning used 900 samples (after a change cut): 900 new ones make it due, not 899.
        pipeline.samplesUsedAtLastTune = 900
        pipeline.shadowObserved = 10_899
        #expect(!pipeline.hasGrownSinceLastTune)
        pipeline.shadowObserved = 10_900
        #expect(pipeline.hasGrownSinceLastTune)
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
