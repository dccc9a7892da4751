extension OccupancyDriftTest {
    /// Windows, calibration target and reference sizes of an ``OccupancyDriftTest``.
    public struct Configuration: Equatable, Sendable {
        /// Events between two checks (≥ 1); every window length is a multiple of it.
        public var checkInterval: Int
        /// The window lengths tested at each check, ascending, each a multiple of `checkInterval`.
        public var windowLengths: [Int]
        /// Target bound on the expected number of false alarms per 10⁶ stationary events (> 0).
        public var falseAlarmsPerMillionEvents: Double
        /// No test runs until the reference holds this many events (≥ 1).
        public var minimumReferenceCount: Int
        /// The reference stops growing at this many events (≥ `minimumReferenceCount`).
        public var referenceCapacity: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - checkInterval: default 1,000 events.
        ///   - windowLengths: default 4,000, 8,000, 16,000 and 32,000 events.
        ///   - falseAlarmsPerMillionEvents: default 0.01.
        ///   - minimumReferenceCount: default 20,000.
        ///   - referenceCapacity: default 200,000.
        public init(
            checkInterval: Int = 1_000,
            windowLengths: [Int] = [4_000, 8_000, 16_000, 32_000],
            falseAlarmsPerMillionEvents: Double = 0.01,
            minimumReferenceCount: Int = 20_000,
            referenceCapacity: Int = 200_000
        ) {
            self.checkInterval = checkInterval
            self.windowLengths = windowLengths
            self.falseAlarmsPerMillionEvents = falseAlarmsPerMillionEvents
            self.minimumReferenceCount = minimumReferenceCount
            self.referenceCapacity = referenceCapacity
        }

        /// Window tests per 10⁶ events: `(10⁶ / checkInterval) · windowLengths.count`.
        public var testsPerMillionEvents: Double {
            1e6 / Double(checkInterval) * Double(windowLengths.count)
        }

        /// The level α of each window test (Bonferroni): `falseAlarmsPerMillionEvents / testsPerMillionEvents`.
        public var significanceLevel: Double { falseAlarmsPerMillionEvents / testsPerMillionEvents }

        /// The longest window, in checkpoints.
        var longestWindowCheckpoints: Int { (windowLengths.last ?? 0) / checkInterval }

        /// Checks every setting; the error names the first one out of range.
        /// - Throws: ``DriftError/invalidSetting(name:value:expected:)``.
        public func validate() throws(DriftError) {
            try DriftError.require(checkInterval >= 1, "occupancy.checkInterval", checkInterval, "an integer >= 1")
            try DriftError.require(
                !windowLengths.isEmpty,
                "occupancy.windowLengths",
                "[]",
                "at least one window length"
            )
            for (index, length) in windowLengths.enumerated() {
                try DriftError.require(
                    length >= checkInterval && length % checkInterval == 0,
                    "occupancy.windowLengths",
                    windowLengths,
                    "positive multiples of checkInterval (\(checkInterval))"
                )
                try DriftError.require(
                    index == 0 || length > windowLengths[index - 1],
                    "occupancy.windowLengths",
                    windowLengths,
                    "strictly ascending lengths"
                )
            }
            try DriftError.require(
                falseAlarmsPerMillionEvents > 0 && significanceLevel < 0.5,
                "occupancy.falseAlarmsPerMillionEvents",
                falseAlarmsPerMillionEvents,
                "a rate > 0 giving a per-test level below 0.5"
            )
            try DriftError.require(
                minimumReferenceCount >= 1,
                "occupancy.minimumReferenceCount",
                minimumReferenceCount,
                "an integer >= 1"
            )
            try DriftError.require(
                referenceCapacity >= minimumReferenceCount,
                "occupancy.referenceCapacity",
                referenceCapacity,
                "an integer >= minimumReferenceCount (\(minimumReferenceCount))"
            )
        }
    }
}
