import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Page-Hinkley")
struct PageHinkleyDetectorTests {
    @Test("rejects settings out of range, naming them")
    func rejectsInvalidSettings() {
        #expect(throws: DriftError.self) { try PageHinkleyDetector(configuration: .init(threshold: 0)) }
        #expect(throws: DriftError.self) { try PageHinkleyDetector(configuration: .init(slack: -1)) }
        #expect(throws: DriftError.self) { try PageHinkleyDetector(configuration: .init(minimumCount: 0)) }
        #expect(
            throws: DriftError.invalidSetting(
                name: "pageHinkley.fadingFactor",
                value: "1.5",
                expected: "a number in (0, 1]"
            )
        ) { try PageHinkleyDetector(configuration: .init(fadingFactor: 1.5)) }
    }

    @Test("empty, one value, NaN ignored")
    func edgeCases() throws {
        var detector = try PageHinkleyDetector()
        #expect(detector.count == 0)
        #expect(detector.update(3) == nil)
        #expect(detector.update(.nan) == nil)
        #expect(detector.count == 1 && detector.ignoredCount == 1)
    }

    @Test("a constant stream never alarms, standardized or not", arguments: [true, false])
    func constantStream(standardized: Bool) throws {
        var detector = try PageHinkleyDetector(configuration: .init(threshold: 1, standardized: standardized))
        #expect(DriftStreams.detections(Array(repeating: 4.2, count: 50_000)) { detector.update($0) }.isEmpty)
    }

    @Test("a one-sigma step is detected within 120 values and not before")
    func stepIsDetected() throws {
        var generator = SeededGenerator(seed: 3)
        let values =
            DriftStreams.gaussian(count: 20_000, mean: 10, deviation: 2, generator: &generator)
            + DriftStreams.gaussian(count: 1_000, mean: 12, deviation: 2, generator: &generator)
        var detector = try PageHinkleyDetector()
        let detections = DriftStreams.detections(values) { detector.update($0) }
        let first = try #require(detections.first)
        #expect(first >= 20_000 && first < 20_120)
    }

    @Test("direction .increase ignores a drop of the mean")
    func directionFilters() throws {
        var generator = SeededGenerator(seed: 4)
        let values =
            DriftStreams.gaussian(count: 5_000, mean: 0, deviation: 1, generator: &generator)
            + DriftStreams.gaussian(count: 5_000, mean: -3, deviation: 1, generator: &generator)
        var upward = try PageHinkleyDetector(configuration: .init(direction: .increase))
        var downward = try PageHinkleyDetector(configuration: .init(direction: .decrease))
        #expect(DriftStreams.detections(values) { upward.update($0) }.isEmpty)
        #expect(!DriftStreams.detections(values) { downward.update($0) }.isEmpty)
    }

    @Test("the measured false-alarm rate matches Siegmund's approximation within 15%")
    func falseAlarmRateMatchesApproximation() throws {
        let configuration = PageHinkleyDetector.Configuration(slack: 0.5, threshold: 4, minimumCount: 1)
        var detector = try PageHinkleyDetector(configuration: configuration)
        var generator = SeededGenerator(seed: 9)
        let values = DriftStreams.gaussian(count: 400_000, mean: 5, deviation: 3, generator: &generator)
        let alarms = DriftStreams.detections(values) { detector.update($0) }.count
        let expected = Double(values.count) * detector.falseAlarmRatePerValue
        #expect(abs(Double(alarms) - expected) < 0.15 * expected, "measured \(alarms), approximation \(expected)")
    }

    @Test("the defaults raise no alarm in 1,000,000 stationary Gaussian values (documented ARL₀ ≈ 1.3e8)")
    func defaultsAreQuiet() throws {
        var detector = try PageHinkleyDetector()
        #expect(detector.falseAlarmRatePerValue < 2e-8)
        var generator = SeededGenerator(seed: 10)
        var alarms = 0
        for _ in 0..<1_000_000 where detector.update(generator.nextGaussian()) != nil { alarms += 1 }
        #expect(alarms == 0)
    }

    @Test("Siegmund's approximation: known values")
    func runLengthKnownValues() {
        // (e^{2kb} − 2kb − 1) / (2k²) with b = h + 1.166: k = 0.5, h = 4 → (e^5.166 − 6.166) / 0.5.
        let value = PageHinkleyDetector.averageRunLengthWithoutChange(slack: 0.5, threshold: 4)
        #expect(abs(value - 338.0932) < 0.001)
        #expect(PageHinkleyDetector.averageRunLengthWithoutChange(slack: 0, threshold: 4) == 5.166 * 5.166)
    }
}
