/// The rollout of a table: `active` for every device, or `canary` for a cohort.
public struct Rollout: Sendable, Equatable {
    /// `stage`.
    public enum Stage: String, Sendable, Equatable {
        case canary
        case active
    }

    /// `stage`: canary or active.
    public var stage: Stage
    /// `percent`: the share of devices in the canary cohort, 0...100 (ignored when active).
    public var percent: Double
    /// `salt`: mixed into the cohort hash so each rollout draws a fresh cohort.
    public var salt: String

    public init(stage: Stage, percent: Double, salt: String) {
        self.stage = stage
        self.percent = percent
        self.salt = salt
    }

    /// An active rollout for every device.
    public static let active = Rollout(stage: .active, percent: 100, salt: "")
}

/// What the controller predicts a table achieves on held-out shadow samples.
public struct ExpectedOutcome: Sendable, Equatable {
    /// `quality_ratio`: Q / Q(all-cloud).
    public var qualityRatio: Double
    /// `latency_ratio`: mean latency / all-cloud mean latency.
    public var latencyRatio: Double
    /// `cost_ratio`: mean cost / all-cloud mean cost.
    public var costRatio: Double
    /// `latency_ms`: mean latency.
    public var latencyMs: Double
    /// `cost`: mean cost per query.
    public var cost: Double
    /// `shares`: tier shares (device, edge, cloud), summing to 1.
    public var shares: [Double]

    public init(
        qualityRatio: Double,
        latencyRatio: Double,
        costRatio: Double,
        latencyMs: Double,
        cost: Double,
        shares: [Double]
    ) {
        self.qualityRatio = qualityRatio
        self.latencyRatio = latencyRatio
        self.costRatio = costRatio
        self.latencyMs = latencyMs
        self.cost = cost
        self.shares = shares
    }
}

/// Why and from which data a table was made.
public struct Provenance: Sendable, Equatable {
    /// `trigger`: `drift:<event id>`, `schedule`, `operator`, `rollback:<version>` or `bootstrap`.
    public var trigger: String
    /// `window_from_ms`, `window_to_ms`: the time range of the events the table was tuned on.
    public var windowFromMs: Int64
    public var windowToMs: Int64
    /// `window_events`: how many events (and `window_shadow` shadow samples) the window held.
    public var windowEvents: UInt64
    public var windowShadow: UInt64
    /// `optimiser_run_id`: the optimiser run in history ("" if none).
    public var optimiserRunID: String
    /// `controller_version`: the controller build that made the table.
    public var controllerVersion: String

    public init(
        trigger: String,
        windowFromMs: Int64,
        windowToMs: Int64,
        windowEvents: UInt64,
        windowShadow: UInt64,
        optimiserRunID: String,
        controllerVersion: String
    ) {
        self.trigger = trigger
        self.windowFromMs = windowFromMs
        self.windowToMs = windowToMs
        self.windowEvents = windowEvents
        self.windowShadow = windowShadow
        self.optimiserRunID = optimiserRunID
        self.controllerVersion = controllerVersion
    }
}
