public import ConsRouteModel

/// One float column per tier (device, edge, cloud), each holding one value per shadow sample.
///
/// Used for the scores, latencies and costs of ``ShadowSamples``: struct-of-arrays, so a sweep
/// over one metric reads contiguous memory.
public struct TierColumns: Sendable, Equatable {
    /// The device tier's values, one per sample.
    public var device: [Float]
    /// The edge tier's values, one per sample.
    public var edge: [Float]
    /// The cloud tier's values, one per sample.
    public var cloud: [Float]

    /// Creates the three columns; their lengths are checked by ``ShadowSamples``.
    /// - Parameters:
    ///   - device: the device tier's values.
    ///   - edge: the edge tier's values.
    ///   - cloud: the cloud tier's values.
    public init(device: [Float], edge: [Float], cloud: [Float]) {
        self.device = device
        self.edge = edge
        self.cloud = cloud
    }

    /// The column of `tier`.
    public subscript(tier: Tier) -> [Float] {
        switch tier {
        case .device: device
        case .edge: edge
        case .cloud: cloud
        }
    }

    /// The value of `tier` for sample `index`.
    @inline(__always)
    func value(_ tier: Tier, at index: Int) -> Float {
        switch tier {
        case .device: device[index]
        case .edge: edge[index]
        case .cloud: cloud[index]
        }
    }

    /// The columns restricted to `indices`, in that order.
    func gathered(_ indices: [Int]) -> TierColumns {
        TierColumns(
            device: indices.map { device[$0] },
            edge: indices.map { edge[$0] },
            cloud: indices.map { cloud[$0] }
        )
    }
}
