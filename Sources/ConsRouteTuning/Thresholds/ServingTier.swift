/// The tier that answers a query, in order of capability and cost.
public enum ServingTier: Int, CaseIterable, Sendable, Hashable {
    /// The small model on the device.
    case device = 0
    /// The mid-size model on an edge server.
    case edge = 1
    /// The large model in the cloud.
    case cloud = 2
}
