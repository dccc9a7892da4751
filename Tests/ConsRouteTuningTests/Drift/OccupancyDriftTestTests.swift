import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Occupancy drift test")
struct OccupancyDriftTestTests {
    @Test("rejects invalid settings and references, naming them")
    func rejectsInvalidInput() {
        #expect(throws: DriftError.self) {
            try OccupancyDriftTest(clusterCount: 4, configuration: .init(checkInterval: 1_000, windowLengths: [1_500]))
        }
        #expect(throws: DriftError.self) {
            try OccupancyDriftTest(clusterCount: 4, configuration: .init(windowLengths: [8_000, 4_000]))
        }
        #expect(throws: DriftError.self) {
            try OccupancyDriftTest(clusterCount: 4, configuration: .init(falseAlarmsPerMillionEvents: 0))
        }
        #expect(throws: DriftError.self) { try OccupancyDriftTest(clusterCount: 1) }
        #expect(throws: DriftError.referenceMismatch(clusterCount: 4, occupancyCount: 3)) {
            try OccupancyDriftTest(clusterCount: 4, referenceCounts: [1, 2, 3])
        }
        #expect(throws: DriftError.self) { try OccupancyDriftTest(clusterCount: 2, referenceCounts: [1, .nan]) }
    }

    @Test("a cluster outside 0..<k throws")
    func clusterOutOfRange() throws {
        var test = try OccupancyDriftTest(clusterCount: 3)
        #expect(throws: DriftError.clusterOutOfRange(cluster: 3, clusterCount: 3)) { try test.observe(cluster: 3) }
        #expect(throws: DriftError.clusterOutOfRange(cluster: -1, clusterCount: 3)) { try test.observe(cluster: -1) }
    }

    @Test("the per-test level is Bonferroni's share of the target rate")
    func levelIsBonferroni() {
        let configuration = OccupancyDriftTest.Configuration()
        #expect(configuration.testsPerMillionEvents == 4_000)
        #expect(abs(configuration.significanceLevel - 2.5e-6) < 1e-18)
    }

    @Test("a learned reference: no test before the longest window plus the minimum reference")
    func learnsBeforeTesting() throws {
        let configuration = OccupancyDriftTest.Configuration(
            checkInterval: 100,
            windowLengths: [200, 400],
            minimumReferenceCount: 1_000,
            referenceCapacity: 2_000
        )
        var test = try OccupancyDriftTest(clusterCount: 2, configuration: configuration)
        for index in 0..<1_399 { _ = try test.observe(cluster: index % 2) }
        #expect(test.testCount == 0)
        _ = try test.observe(cluster: 0)
        #expect(test.testCount == 2)
        #expect(test.referenceTotal == 1_000)
    }

    @Test("one event: counted, no test yet")
    func oneEvent() throws {
        var test = try OccupancyDriftTest(clusterCount: 2, referenceCounts: [10, 10])
        #expect(try test.observe(cluster: 1) == nil)
        #expect(test.testCount == 0 && test.referenceTotal == 20)
    }

    @Test("a constant stream (one cluster only) never alarms")
    func constantStream() throws {
        var test = try OccupancyDriftTest(clusterCount: 4)
        for _ in 0..<300_000 { #expect(try test.observe(cluster: 2) == nil) }
    }

    @Test("calibration: the per-test false-alarm frequency matches the level α = 0.01")
    func calibration() throws {
        let configuration = OccupancyDriftTest.Configuration(
            checkInterval: 1_000,
            windowLengths: [1_000],
            falseAlarmsPerMillionEvents: 10,
            minimumReferenceCount: 10_000,
            referenceCapacity: 10_000
        )
        #expect(abs(configuration.significanceLevel - 0.01) < 1e-15)
        var test = try OccupancyDriftTest(clusterCount: 8, configuration: configuration)
        var generator = SeededGenerator(seed: 77)
        let weights = [4.0, 3, 2, 2, 1, 1, 1, 0.5]
        for _ in 0..<3_000_000 { _ = try test.observe(cluster: DriftStreams.category(weights, generator: &generator)) }
        let expected = 0.01 * Double(test.testCount)
        let tolerance = 4 * (expected * 0.99).squareRoot()
        #expect(test.testCount > 2_000)
        #expect(
            abs(Double(test.detectionCount) - expected) < tolerance,
            "\(test.detectionCount) alarms in \(test.testCount) tests"
        )
    }

    @Test("stationary streams at the default target raise no alarm")
    func stationaryDefault() throws {
        var generator = SeededGenerator(seed: 78)
        let weights = (0..<16).map { 1 + Double($0 % 5) }
        var test = try OccupancyDriftTest(clusterCount: 16)
        for _ in 0..<2_000_000 { _ = try test.observe(cluster: DriftStreams.category(weights, generator: &generator)) }
        #expect(test.testCount > 7_000)
        #expect(test.detectionCount == 0)
    }

    @Test("moving 10% of the mass is detected within one short window, and the test then relearns")
    func detectsShift() throws {
        var generator = SeededGenerator(seed: 79)
        let before = [0.3, 0.3, 0.2, 0.2]
        let after = [0.2, 0.3, 0.2, 0.3]
        var test = try OccupancyDriftTest(clusterCount: 4, referenceCounts: before.map { $0 * 100_000 })
        var detections: [(Int, DriftDetection)] = []
        for index in 0..<60_000 {
            let cluster = DriftStreams.category(index < 40_000 ? before : after, generator: &generator)
            if let detection = try test.observe(cluster: cluster) { detections.append((index, detection)) }
        }
        let (index, detection) = try #require(detections.first)
        #expect(detections.count == 1)
        #expect(index >= 40_000 && index < 44_000)
        #expect(detection.statistic > detection.threshold && detection.windowLength == 4_000)
    }

    @Test("rebase adopts a new number of clusters")
    func rebaseChangesClusterCount() throws {
        var test = try OccupancyDriftTest(clusterCount: 2)
        try test.rebase(clusterCount: 5, referenceCounts: [1, 1, 1, 1, 1])
        #expect(test.clusterCount == 5 && test.referenceTotal == 5)
        #expect(try test.observe(cluster: 4) == nil)
    }
}
