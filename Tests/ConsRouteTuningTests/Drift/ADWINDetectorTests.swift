import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("ADWIN")
struct ADWINDetectorTests {
    @Test("rejects settings out of range, naming them")
    func rejectsInvalidSettings() {
        #expect(throws: DriftError.invalidSetting(name: "adwin.delta", value: "0.0", expected: "a number in (0, 1)")) {
            try ADWINDetector(configuration: .init(delta: 0))
        }
        #expect(throws: DriftError.self) { try ADWINDetector(configuration: .init(clock: 0)) }
        #expect(throws: DriftError.self) { try ADWINDetector(configuration: .init(maxBucketsPerRow: 1)) }
        #expect(throws: DriftError.self) { try ADWINDetector(configuration: .init(minimumSubwindowLength: 0)) }
    }

    @Test("empty, one-value and two-value windows")
    func emptyOneTwo() throws {
        var detector = try ADWINDetector(configuration: .init(clock: 1, gracePeriod: 0))
        #expect(detector.width == 0 && detector.mean == 0 && detector.variance == 0)
        #expect(detector.update(0.7) == nil)
        #expect(detector.width == 1 && detector.mean == 0.7 && detector.variance == 0)
        #expect(detector.update(0.1) == nil)
        #expect(detector.width == 2 && abs(detector.mean - 0.4) < 1e-15 && abs(detector.variance - 0.09) < 1e-15)
    }

    @Test("ignores NaN and infinities explicitly")
    func ignoresNonFinite() throws {
        var detector = try ADWINDetector()
        _ = detector.update(0.5)
        #expect(detector.update(.nan) == nil)
        #expect(detector.update(.infinity) == nil)
        #expect(detector.width == 1 && detector.ignoredCount == 2 && detector.mean == 0.5)
    }

    @Test("a constant stream never alarms")
    func constantStream() throws {
        var detector = try ADWINDetector()
        let detections = DriftStreams.detections(Array(repeating: 0.1, count: 100_000)) { detector.update($0) }
        #expect(detections.isEmpty)
        #expect(detector.variance < 1e-12)
    }

    @Test("window mean and variance match a direct computation")
    func summariesAreExact() throws {
        var generator = SeededGenerator(seed: 11)
        let values = DriftStreams.gaussian(count: 10_000, mean: 0.4, deviation: 0.1, generator: &generator)
        var detector = try ADWINDetector()
        #expect(DriftStreams.detections(values) { detector.update($0) }.isEmpty)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(detector.width == values.count)
        #expect(abs(detector.mean - mean) < 1e-12)
        #expect(abs(detector.variance - variance) < 1e-12)
    }

    @Test("a step from 0.2 to 0.8 is detected within 64 values, not before, and the window drops the old part")
    func stepIsDetected() throws {
        var generator = SeededGenerator(seed: 5)
        let before = DriftStreams.gaussian(count: 5_000, mean: 0.2, deviation: 0.05, generator: &generator)
        let after = DriftStreams.gaussian(count: 2_000, mean: 0.8, deviation: 0.05, generator: &generator)
        var detector = try ADWINDetector()
        let detections = DriftStreams.detections(before + after) { detector.update($0) }
        let first = try #require(detections.first)
        #expect(first >= 5_000 && first < 5_064)
        #expect(detector.width < 2_100)
        #expect(abs(detector.mean - 0.8) < 0.01)
    }

    @Test("stationary seeded streams raise no alarm (documented: 0 in 200 streams of 20,000)", arguments: [0.3, 0.5])
    func stationaryStreams(probability: Double) throws {
        var generator = SeededGenerator(seed: 2026)
        var alarms = 0
        for _ in 0..<50 {
            var bernoulli = try ADWINDetector()
            let coin = DriftStreams.bernoulli(count: 20_000, probability: probability, generator: &generator)
            alarms += DriftStreams.detections(coin) { bernoulli.update($0) }.count
            var gaussian = try ADWINDetector()
            let noise = DriftStreams.gaussian(count: 20_000, mean: probability, deviation: 0.1, generator: &generator)
            alarms += DriftStreams.detections(noise) { gaussian.update($0) }.count
        }
        #expect(alarms == 0)
    }

    @Test("reset empties the window and the counters")
    func resetClears() throws {
        var detector = try ADWINDetector()
        for value in [0.0, 1, 0, 1, .nan] { _ = detector.update(value) }
        detector.reset()
        #expect(detector.width == 0 && detector.ignoredCount == 0 && detector.detectionCount == 0)
    }
}
