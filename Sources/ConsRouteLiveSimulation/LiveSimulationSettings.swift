public import ConsRouteClient
public import ConsRouteModel
public import ConsRouteSimulation

/// How a live simulation drives a fleet of simulated devices against a running controller.
public struct LiveSimulationSettings: Sendable {
    /// The scenario: its fleet, devices, events, phases, fingerprint and shadow rate.
    public var scenario: Scenario
    /// The public keys every device pins.
    public var trustedKeys: [TableVerifyingKey]
    /// Where query events go (default `consroute.telemetry`).
    public var telemetryTopic = "consroute.telemetry"
    /// Where acknowledgements go (default `consroute.acks`).
    public var acksTopic = "consroute.acks"
    /// The target pace in events per second (default: the scenario's `events_per_second`).
    public var eventsPerSecond: Double
    /// How every device receives tables (default server-sent events).
    public var transport: TableTransport = .sse
    /// The long-poll `wait` of each request when `transport` is `.longPoll` (default 30 s).
    public var longPollWait: Duration = .seconds(30)
    /// The window of the progress snapshot's recent figures, in events (default 10,000).
    public var recentEvents = 10_000
    /// Seed of the draw that keeps `shadow` on a `shadow_rate` share of the events.
    public var shadowSeed: UInt64 = 0x5EED
    /// How often the pacer wakes to send the events that are due (default 50 ms).
    public var tick: Duration = .milliseconds(50)
    /// Batches handed to the producer and not yet delivered before the pacer waits (default 8).
    public var maximumBatchesInFlight = 8
    /// The largest batch; a pacer that fell behind catches up in batches of at most this many events.
    public var maximumBatchEvents = 5_000

    /// Settings for `scenario` with the defaults above.
    ///
    /// - Parameters:
    ///   - scenario: the scenario (set its `devices` and `events` to resize the run).
    ///   - trustedKeys: the keys the devices pin.
    public init(scenario: Scenario, trustedKeys: [TableVerifyingKey]) {
        self.scenario = scenario
        self.trustedKeys = trustedKeys
        eventsPerSecond = scenario.eventsPerSecond
    }

    /// Checks every setting.
    ///
    /// - Throws: `LiveSimulationError.invalidSetting` naming the first one out of range.
    func validate() throws(LiveSimulationError) {
        guard scenario.devices >= 1 else { throw .invalidSetting("devices", "must be >= 1, is \(scenario.devices)") }
        guard scenario.events >= 1 else { throw .invalidSetting("events", "must be >= 1, is \(scenario.events)") }
        guard !trustedKeys.isEmpty else { throw .invalidSetting("trustedKeys", "need at least one public key") }
        guard eventsPerSecond.isFinite, eventsPerSecond > 0 else {
            throw .invalidSetting("eventsPerSecond", "must be > 0, is \(eventsPerSecond)")
        }
        guard !telemetryTopic.isEmpty else { throw .invalidSetting("telemetryTopic", "must not be empty") }
        guard !acksTopic.isEmpty else { throw .invalidSetting("acksTopic", "must not be empty") }
        guard longPollWait > .zero else { throw .invalidSetting("longPollWait", "must be positive") }
        guard recentEvents >= 1 else { throw .invalidSetting("recentEvents", "must be >= 1, is \(recentEvents)") }
        guard tick > .zero else { throw .invalidSetting("tick", "must be positive") }
        guard maximumBatchesInFlight >= 1 else {
            throw .invalidSetting("maximumBatchesInFlight", "must be >= 1, is \(maximumBatchesInFlight)")
        }
        guard maximumBatchEvents >= 1 else {
            throw .invalidSetting("maximumBatchEvents", "must be >= 1, is \(maximumBatchEvents)")
        }
    }
}
