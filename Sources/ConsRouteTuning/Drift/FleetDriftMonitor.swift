import ConsRouteModel

/// Watches one fleet's telemetry for drift: of the query representation (cluster occupancy, distance to the
/// nearest centroid), of outcomes (shadow scores per cluster and tier), and of latency and cost per tier.
///
/// The controller feeds every event to ``observe(_:)``, which returns the drift events it raised as values.
/// The controller records them and acts (``DriftEvent/action``): on representation drift it re-clusters and
/// calls ``rebase(reference:)``; on outcome drift it re-optimises one cluster. The detectors:
///
/// - cluster of each event: ``OccupancyDriftTest`` (multi-window χ²); at most
///   `occupancy.falseAlarmsPerMillionEvents` false alarms per 10⁶ events (Bonferroni; 0.01 by default);
/// - normalised squared distance: ``ADWINDetector``; at most δ/clock per event for values in [0, 1] (a loose
///   bound), measured 0 in 1.4·10⁶ stationary events of the benchmark;
/// - shadow score per (cluster, tier): one ``ADWINDetector`` each; at most δ/clock per shadow sample and
///   detector (loose), measured 0 in 1.4·10⁶ events;
/// - latency and cost of the served tier: a standardized ``PageHinkleyDetector`` per tier; about 2/ARL₀ per
///   served event for Gaussian values (1.6·10⁻⁸ with the defaults).
///
/// The monitor's rate is at most the sum of its detectors' rates. NaN shadow scores mean "tier not scored" and
/// are skipped; any other invalid field throws before any detector is updated. Allocation-free per event once
/// created (rebasing to a different number of clusters allocates).
public struct FleetDriftMonitor: Sendable {
    /// The parameters of every detector.
    public let configuration: Configuration
    /// The reference the representation detectors compare against.
    public private(set) var reference: Reference
    /// Number of observations accepted since creation; the next one gets this ``DriftEvent/eventIndex``.
    public private(set) var observedCount = 0
    var occupancy: OccupancyDriftTest
    var novelty: ADWINDetector
    /// One detector per (cluster, tier), at `cluster * 3 + tier`.
    var outcomes: [ADWINDetector]
    var latency: [PageHinkleyDetector]
    var cost: [PageHinkleyDetector]

    /// Creates a monitor.
    /// - Parameters:
    ///   - configuration: the detectors' parameters.
    ///   - reference: the number of clusters and, optionally, their reference occupancy.
    /// - Throws: ``DriftError`` naming an invalid setting or an inconsistent reference.
    public init(configuration: Configuration = Configuration(), reference: Reference) throws(DriftError) {
        try configuration.validate()
        self.configuration = configuration
        self.reference = reference
        occupancy = try OccupancyDriftTest(
            clusterCount: reference.clusterCount,
            configuration: configuration.occupancy,
            referenceCounts: reference.occupancyCounts
        )
        novelty = try ADWINDetector(configuration: configuration.novelty)
        outcomes = try Self.outcomeDetectors(clusterCount: reference.clusterCount, configuration: configuration.outcome)
        latency = Array(repeating: try PageHinkleyDetector(configuration: configuration.latency), count: 3)
        cost = Array(repeating: try PageHinkleyDetector(configuration: configuration.cost), count: 3)
    }

    /// Feeds one event to every detector it concerns.
    /// - Parameter observation: the event's cluster, normalised distance, shadow scores and served outcome.
    /// - Returns: the drift events it raised (usually none).
    /// - Throws: ``DriftError`` for a cluster outside the reference or an invalid value; the monitor is then
    ///   unchanged.
    /// - Complexity: amortised O(1); O(k · windows) at an occupancy checkpoint, O(log n) at an ADWIN check.
    public mutating func observe(_ observation: Observation) throws(DriftError) -> DriftEventBatch {
        try observation.validate(clusterCount: reference.clusterCount)
        let index = observedCount
        observedCount += 1
        var events = DriftEventBatch()
        if let detection = try occupancy.observe(cluster: observation.cluster) {
            events.append(DriftEvent(kind: .occupancy, detection: detection, eventIndex: index))
        }
        if let detection = novelty.update(observation.normalizedSquaredDistance) {
            events.append(DriftEvent(kind: .novelty, detection: detection, eventIndex: index))
        }
        if let scores = observation.shadowScores {
            for tier in Tier.allCases {
                let score = scores[tier]
                guard !score.isNaN else { continue }
                if let detection = outcomes[observation.cluster * 3 + tier.rawValue].update(score) {
                    let kind = DriftEvent.Kind.outcome(cluster: observation.cluster, tier: tier)
                    events.append(DriftEvent(kind: kind, detection: detection, eventIndex: index))
                }
            }
        }
        if let served = observation.served {
            if let detection = latency[served.tier.rawValue].update(served.latencyMilliseconds) {
                events.append(DriftEvent(kind: .latency(tier: served.tier), detection: detection, eventIndex: index))
            }
            if let detection = cost[served.tier.rawValue].update(served.cost) {
                events.append(DriftEvent(kind: .cost(tier: served.tier), detection: detection, eventIndex: index))
            }
        }
        return events
    }

    /// Starts every detector afresh with the same reference (e.g. after an operator's retune).
    public mutating func reset() {
        occupancy.reset()
        resetRepresentationAndOutcomes()
        for tier in 0..<3 {
            latency[tier].reset()
            cost[tier].reset()
        }
    }

    /// Adopts a new reference after a re-clustering: the occupancy test, the novelty detector and every
    /// outcome detector start afresh (cluster identities changed); latency and cost detectors, which do not
    /// depend on the clustering, keep their state.
    /// - Parameter reference: the new number of clusters and, optionally, their occupancy.
    /// - Throws: ``DriftError`` for an inconsistent reference; the monitor is then unchanged.
    /// - Complexity: O(k) without allocation when k is unchanged; O(k²) and allocations when it changes.
    public mutating func rebase(reference: Reference) throws(DriftError) {
        try occupancy.rebase(clusterCount: reference.clusterCount, referenceCounts: reference.occupancyCounts)
        if reference.clusterCount != self.reference.clusterCount {
            outcomes = try Self.outcomeDetectors(
                clusterCount: reference.clusterCount,
                configuration: configuration.outcome
            )
        }
        self.reference = reference
        resetRepresentationAndOutcomes()
    }

    /// One outcome detector per (cluster, tier), each with its own storage, so that no first update has to copy
    /// a shared buffer.
    private static func outcomeDetectors(
        clusterCount: Int,
        configuration: ADWINDetector.Configuration
    ) throws(DriftError) -> [ADWINDetector] {
        var detectors: [ADWINDetector] = []
        detectors.reserveCapacity(clusterCount * Tier.allCases.count)
        for _ in 0..<clusterCount * Tier.allCases.count {
            detectors.append(try ADWINDetector(configuration: configuration))
        }
        return detectors
    }

    private mutating func resetRepresentationAndOutcomes() {
        novelty.reset()
        for index in outcomes.indices { outcomes[index].reset() }
    }
}
