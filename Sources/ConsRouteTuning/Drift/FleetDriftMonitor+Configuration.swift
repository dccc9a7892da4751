extension FleetDriftMonitor {
    /// The parameters of the monitor's detectors.
    public struct Configuration: Equatable, Sendable {
        /// The occupancy test (windows, false-alarm target, reference sizes).
        public var occupancy: OccupancyDriftTest.Configuration
        /// ADWIN on the normalised squared distance.
        public var novelty: ADWINDetector.Configuration
        /// ADWIN on the shadow scores, one per (cluster, tier).
        public var outcome: ADWINDetector.Configuration
        /// Page-Hinkley on the served latency, one per tier.
        public var latency: PageHinkleyDetector.Configuration
        /// Page-Hinkley on the served cost, one per tier.
        public var cost: PageHinkleyDetector.Configuration

        /// Creates a configuration; every default is documented on the detector's own configuration.
        /// - Parameters:
        ///   - occupancy: default windows 4k/8k/16k/32k every 1,000 events, 0.01 false alarms per 10⁶ events.
        ///   - novelty: default ADWIN with δ = 0.002, clock 32.
        ///   - outcome: default ADWIN with δ = 0.002, clock 32.
        ///   - latency: default standardized Page-Hinkley, δ = 0.25, λ = 32.
        ///   - cost: default standardized Page-Hinkley, δ = 0.25, λ = 32.
        public init(
            occupancy: OccupancyDriftTest.Configuration = .init(),
            novelty: ADWINDetector.Configuration = .init(),
            outcome: ADWINDetector.Configuration = .init(),
            latency: PageHinkleyDetector.Configuration = .init(),
            cost: PageHinkleyDetector.Configuration = .init()
        ) {
            self.occupancy = occupancy
            self.novelty = novelty
            self.outcome = outcome
            self.latency = latency
            self.cost = cost
        }

        /// Checks every detector's settings.
        /// - Throws: ``DriftError/invalidSetting(name:value:expected:)`` naming the first invalid setting.
        public func validate() throws(DriftError) {
            try occupancy.validate()
            try novelty.validate()
            try outcome.validate()
            try latency.validate()
            try cost.validate()
        }
    }
}
