/// A serving tier as the history stores it (`device`, `edge`, `cloud`, in order of capability and cost).
///
/// The store keeps its own enum so that it depends on no other consroute target; the raw values are the
/// text stored in the `tier` columns.
public enum HistoryTier: String, Sendable, Hashable, CaseIterable, Comparable {
    /// The small model on the device.
    case device
    /// The mid-size model on an edge server.
    case edge
    /// The large model in the cloud.
    case cloud

    /// Orders tiers by capability: device < edge < cloud.
    public static func < (lhs: HistoryTier, rhs: HistoryTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
