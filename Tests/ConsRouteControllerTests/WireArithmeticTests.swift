import ConsRouteModel
import ConsRouteStore
import Testing

@testable import ConsRouteController

/// Issue 14 (2, 4): one event's time cannot crash the controller (window statistics, drift trigger ages), and every
/// offset jump is counted as lost, across runs too.
@Suite("Wire arithmetic and offset gaps")
struct WireArithmeticTests {
    @Test("window statistics bucket any event time, -2^63 and 2^63-1 included, without trapping")
    func statisticsBuckets() {
        var statistics = WindowStatistics(bucketWidthMs: 60_000)
        var factory = EventFactory()
        for time in [Int64.min, Int64.min + 1, -9_223_372_036_854_775_000, -1, 0, 59_999, Int64.max] {
            statistics.add(factory.event(timeUnixMs: time))
        }
        let buckets = statistics.drain().map(\.bucketStart).sorted()
        // The three times within a bucket width of -2^63 share its lowest bucket; -1 and 0/59,999 have theirs.
        #expect(buckets.count == 4)
        #expect(buckets.allSatisfy { $0 % 60_000 == 0 || $0 == Int64.min || $0 > Int64.max - 60_000 })
        #expect(buckets.contains(-60_000) && buckets.contains(0))
    }

    @Test("floored buckets: ordinary and extreme values")
    func flooring() {
        #expect(Int64(-1).flooredToMultiple(of: 60) == -60)
        #expect(Int64(59).flooredToMultiple(of: 60) == 0)
        #expect(Int64(60).flooredToMultiple(of: 60) == 60)
        #expect(Int64.min.flooredToMultiple(of: 60_000) <= Int64.min + 60_000)
        #expect(Int64.max.flooredToMultiple(of: 60_000) <= Int64.max)
        #expect(Int64.min.saturatingSubtracting(1) == .min)
        #expect(Int64.max.saturatingSubtracting(-1) == .max)
        #expect(Int64(5).saturatingSubtracting(Int64.min) == .max)
    }

    @Test("a gap after an assignment beyond the stored offset counts as lost; replays below it do not")
    func gapsAcrossRuns() {
        var consumed: [Int32: Int64] = [:]
        var gaps = OffsetGaps()
        // The history stored next offset 100; retention deleted up to 16,194: the consumer resumes there.
        gaps.observe(partition: 0, offset: 16_194, consumed: &consumed, stored: [0: 100])
        gaps.observe(partition: 0, offset: 16_195, consumed: &consumed, stored: [0: 100])
        // Partition 1 resumes below its stored offset: a replay, no loss.
        gaps.observe(partition: 1, offset: 40, consumed: &consumed, stored: [1: 50])
        gaps.observe(partition: 1, offset: 41, consumed: &consumed, stored: [1: 50])
        #expect(gaps.lost(lowWatermarks: [0: 16_194, 1: 0]) == 16_094)
        #expect(gaps.gaps == [OffsetGaps.Gap(partition: 0, from: 100, to: 16_194)])
        // Without the low watermark the whole gap counts.
        #expect(gaps.lost(lowWatermarks: [:]) == 16_094)
        // The stored offset was a transaction's marker and retention deleted up to 16,000: only what lies below
        // the low watermark is lost.
        #expect(gaps.lost(lowWatermarks: [0: 16_000]) == 15_900)
    }

    @Test("a gap within a run counts; a new partition without a stored offset starts anywhere")
    func gapsWithinRun() {
        var consumed: [Int32: Int64] = [:]
        var gaps = OffsetGaps()
        gaps.observe(partition: 2, offset: 500, consumed: &consumed, stored: [:])
        gaps.observe(partition: 2, offset: 510, consumed: &consumed, stored: [:])
        #expect(gaps.gaps == [OffsetGaps.Gap(partition: 2, from: 501, to: 510)])
        // Retention reset the consumer to the low watermark 510: offsets 501..<510 are gone.
        #expect(gaps.lost(lowWatermarks: [2: 510]) == 9)
        // The log still starts below the gap: the offsets hold transaction markers or aborted records, not lost.
        #expect(gaps.lost(lowWatermarks: [2: 0]) == 0)
        #expect(gaps.lost(lowWatermarks: [2: 505]) == 4)
    }

    @Test("offsets skipped after each transaction's records (commit markers) are not lost while the log holds them")
    func markerGaps() {
        var consumed: [Int32: Int64] = [:]
        var gaps = OffsetGaps()
        // Five transactions of three records: offsets 0-2, 4-6, ..., 16-18 (as measured on Tansu).
        for transaction in 0..<5 {
            for record in 0..<3 {
                gaps.observe(
                    partition: 0,
                    offset: Int64(transaction * 4 + record),
                    consumed: &consumed,
                    stored: [:]
                )
            }
        }
        #expect(gaps.gaps.count == 4)
        #expect(gaps.lost(lowWatermarks: [0: 0]) == 0)
        #expect(gaps.lost(lowWatermarks: [:]) == 4)
    }
}
