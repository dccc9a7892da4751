/// Where the quality floor `q_min` is enforced.
public enum AllocationConstraint: String, Sendable, CaseIterable, Codable {
    /// The fleet's quality ratio must clear `q_min` (the contract): one quality budget for all clusters, so
    /// clusters where cheap tiers are good carry those where they are not (the default).
    case fleet
    /// Every cluster's own quality ratio must clear `q_min`: more cloud in hard clusters, less saving overall.
    case cluster
}
