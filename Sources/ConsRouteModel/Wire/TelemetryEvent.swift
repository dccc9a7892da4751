/// One routed query as reported by a device (`consroute.v1.QueryEvent`), after validation.
///
/// Values of this type always satisfy the telemetry contract of docs/design.md §4 when they come out of
/// `TelemetryDecoder`; devices build them with `TelemetryEventBuilder` in the router library.
public struct TelemetryEvent: Sendable, Equatable {
    /// 16 bytes, unique per event: the dedupe key.
    public var eventID: EventID
    public var fleet: String
    public var deviceID: String
    public var timeUnixMs: Int64
    /// The table version the router applied (0 = none).
    public var tableVersion: UInt64
    /// The cluster id the router assigned.
    public var cluster: UInt32
    /// d floats.
    public var representation: [Float]
    public var pDevice: Float
    public var pEdge: Float
    /// Where the query was served.
    public var tier: Tier
    public var latencyMs: Float
    public var cost: Float
    public var promptTokens: UInt32
    public var completionTokens: UInt32
    public var sessionID: String
    public var turn: UInt32
    public var contextTokens: UInt32
    /// The tier of the previous turn; nil on a first turn.
    public var previousTier: Tier?
    /// Full information on all tiers, on shadow samples only.
    public var shadow: ShadowOutcome?

    public init(
        eventID: EventID,
        fleet: String,
        deviceID: String,
        timeUnixMs: Int64,
        tableVersion: UInt64 = 0,
        cluster: UInt32 = 0,
        representation: [Float],
        pDevice: Float,
        pEdge: Float,
        tier: Tier,
        latencyMs: Float,
        cost: Float,
        promptTokens: UInt32 = 0,
        completionTokens: UInt32 = 0,
        sessionID: String = "",
        turn: UInt32 = 0,
        contextTokens: UInt32 = 0,
        previousTier: Tier? = nil,
        shadow: ShadowOutcome? = nil
    ) {
        self.eventID = eventID
        self.fleet = fleet
        self.deviceID = deviceID
        self.timeUnixMs = timeUnixMs
        self.tableVersion = tableVersion
        self.cluster = cluster
        self.representation = representation
        self.pDevice = pDevice
        self.pEdge = pEdge
        self.tier = tier
        self.latencyMs = latencyMs
        self.cost = cost
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.sessionID = sessionID
        self.turn = turn
        self.contextTokens = contextTokens
        self.previousTier = previousTier
        self.shadow = shadow
    }
}

/// The 16-byte event id, as two big-endian halves (cheap to hash and compare).
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The id from exactly 16 bytes; nil for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, byte) in bytes.enumerated() {
            if position < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// A random id.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> EventID {
        EventID(high: generator.next(), low: generator.next())
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        (0..<16).map { position in
            let word = position < 8 ? high : low
            return UInt8(truncatingIfNeeded: word >> (UInt64(7 - position % 8) * 8))
        }
    }

    /// Lower-case hex.
    public var description: String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// A value per tier: device, edge, cloud.
public struct TierValues: Sendable, Equatable {
    public var device: Float
    public var edge: Float
    public var cloud: Float

    public init(device: Float, edge: Float, cloud: Float) {
        self.device = device
        self.edge = edge
        self.cloud = cloud
    }

    public subscript(tier: Tier) -> Float {
        get {
            switch tier {
            case .device: device
            case .edge: edge
            case .cloud: cloud
            }
        }
        set {
            switch tier {
            case .device: device = newValue
            case .edge: edge = newValue
            case .cloud: cloud = newValue
            }
        }
    }

    /// The three values in tier order.
    public var array: [Float] { [device, edge, cloud] }
}

/// A shadow sample's outcome on every tier: the reranker's consistency score of each tier's answer with
/// the cloud's (cloud's own is 1, or an absolute quality), and each tier's latency and cost.
public struct ShadowOutcome: Sendable, Equatable {
    public var score: TierValues
    public var latencyMs: TierValues
    public var cost: TierValues

    public init(score: TierValues, latencyMs: TierValues, cost: TierValues) {
        self.score = score
        self.latencyMs = latencyMs
        self.cost = cost
    }
}
