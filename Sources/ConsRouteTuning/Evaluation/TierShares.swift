/// The share of samples routed to each tier; the three shares sum to 1 (up to rounding).
public struct TierShares: Sendable, Hashable, Codable {
    /// Share routed to the device.
    public var device: Double
    /// Share routed to the edge.
    public var edge: Double
    /// Share routed to the cloud.
    public var cloud: Double

    /// Creates tier shares.
    /// - Parameters:
    ///   - device: share routed to the device.
    ///   - edge: share routed to the edge.
    ///   - cloud: share routed to the cloud.
    public init(device: Double, edge: Double, cloud: Double) {
        self.device = device
        self.edge = edge
        self.cloud = cloud
    }
}
