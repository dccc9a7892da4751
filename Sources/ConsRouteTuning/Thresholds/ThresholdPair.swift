public import ConsRouteModel

/// The two thresholds of one cluster and the ConsRoute routing rule they define.
///
/// `device if pDevice >= tDevice; else edge if pEdge >= tEdge; else cloud`, with the comparisons
/// made in `Float` as on the device. A threshold above every prediction sends nothing to that
/// tier; ``allCloud`` sends everything to the cloud.
public struct ThresholdPair: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The device threshold.
    public var tDevice: Float
    /// The edge threshold.
    public var tEdge: Float

    /// Creates a threshold pair.
    /// - Parameters:
    ///   - tDevice: the device threshold.
    ///   - tEdge: the edge threshold.
    public init(tDevice: Float, tEdge: Float) {
        self.tDevice = tDevice
        self.tEdge = tEdge
    }

    /// Thresholds above every valid prediction (predictions lie in [0, 1]): everything goes to the cloud.
    public static let allCloud = ThresholdPair(tDevice: Float(1).nextUp, tEdge: Float(1).nextUp)

    /// The tier a query with these predicted consistencies is routed to.
    /// - Parameters:
    ///   - pDevice: the predicted consistency of the device's answer.
    ///   - pEdge: the predicted consistency of the edge's answer.
    @inline(__always)
    public func tier(pDevice: Float, pEdge: Float) -> Tier {
        if pDevice >= tDevice { return .device }
        if pEdge >= tEdge { return .edge }
        return .cloud
    }

    /// The pair moved toward `target` by `1 - weight`: `weight * self + (1 - weight) * target`.
    /// - Parameters:
    ///   - target: the pair to move toward.
    ///   - weight: the weight kept on `self`, in [0, 1].
    public func blended(toward target: ThresholdPair, keeping weight: Double) -> ThresholdPair {
        func mix(_ own: Float, _ other: Float) -> Float {
            Float(weight * Double(own) + (1 - weight) * Double(other))
        }
        return ThresholdPair(tDevice: mix(tDevice, target.tDevice), tEdge: mix(tEdge, target.tEdge))
    }

    /// `(tDevice: …, tEdge: …)`.
    public var description: String { "(tDevice: \(tDevice), tEdge: \(tEdge))" }
}
