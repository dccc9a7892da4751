/// The three serving tiers, in order of capability and cost.
///
/// Raw values are the benchmark's tier codes (0 device, 1 edge, 2 cloud) and index per-tier arrays
/// (`Shadow.score`, `reprefill_ms_per_1k_tokens`, tier shares). The wire enum numbers them 1...3.
public enum Tier: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case device = 0
    case edge = 1
    case cloud = 2

    /// The lower-case name used in JSON tables, the CLI and metric labels.
    public var description: String {
        switch self {
        case .device: "device"
        case .edge: "edge"
        case .cloud: "cloud"
        }
    }

    /// Parses a lower-case tier name.
    public init?(name: String) {
        switch name {
        case "device": self = .device
        case "edge": self = .edge
        case "cloud": self = .cloud
        default: return nil
        }
    }

    /// The tier for a wire enum number (`TIER_DEVICE = 1` ... `TIER_CLOUD = 3`); nil for 0 or unknown.
    public init?(wireValue: Int) {
        guard (1...3).contains(wireValue) else { return nil }
        self.init(rawValue: wireValue - 1)
    }

    /// The wire enum number of this tier.
    public var wireValue: Int { rawValue + 1 }

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rawValue < rhs.rawValue }
}
