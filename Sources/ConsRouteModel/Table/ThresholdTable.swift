/// The published routing state of a fleet (docs/design.md §5): centroids, per-cluster thresholds, the novel
/// fallback, the objective it was tuned for, rollout stage and provenance.
///
/// Tables travel as canonical JSON inside a signed envelope (`SignedTable`). Field names on the wire are
/// the snake_case names given in each property's documentation. Times are Unix milliseconds (UTC).
public struct ThresholdTable: Sendable, Equatable {
    /// `fleet`: the fleet this table is for.
    public var fleet: String
    /// `version`: strictly increasing per fleet; a rollback publishes a new version with old content.
    public var version: UInt64
    /// `parent_version`: the version this one was derived from (0 for the first table).
    public var parentVersion: UInt64
    /// `created_at`: when the controller made the table, Unix ms.
    public var createdAtMs: Int64
    /// `expires_at`: after this instant routers treat the table as stale and use the `novel` thresholds.
    public var expiresAtMs: Int64
    /// `fingerprint`: what the representation and scores mean; a router with another fingerprint rejects it.
    public var fingerprint: Fingerprint
    /// `clusters`: centroids with their novelty radius and thresholds; ids are stable across re-clusterings.
    public var clusters: [TableCluster]
    /// `novel`: thresholds for novel queries and for stale tables (conservative, cloud-leaning).
    public var novel: ThresholdPair
    /// `objective`: the weights the thresholds were optimised for, also used by the switch margin; on the wire
    /// `objective: {lambda_latency, lambda_cost, q_min, penalty, latency_ref_ms}`, with `latencyRefMs`.
    public var objective: ObjectiveWeights
    /// `objective.latency_ref_ms`: the latency that normalises the switch margin (the fleet's all-cloud mean latency).
    public var latencyRefMs: Double
    /// `reprefill_ms_per_1k_tokens`: per tier (device, edge, cloud), the cost of moving a conversation there.
    public var reprefillMsPer1kTokens: [Float]
    /// `rollout`: canary or active, and the cohort selection.
    public var rollout: Rollout
    /// `expected`: what the controller predicts this table achieves.
    public var expected: ExpectedOutcome
    /// `provenance`: why and from which data this table was made.
    public var provenance: Provenance

    /// Creates a table; call `validate()` (done by encoding and decoding) to check its invariants.
    public init(
        fleet: String,
        version: UInt64,
        parentVersion: UInt64,
        createdAtMs: Int64,
        expiresAtMs: Int64,
        fingerprint: Fingerprint,
        clusters: [TableCluster],
        novel: ThresholdPair,
        objective: ObjectiveWeights,
        latencyRefMs: Double,
        reprefillMsPer1kTokens: [Float],
        rollout: Rollout,
        expected: ExpectedOutcome,
        provenance: Provenance
    ) {
        self.fleet = fleet
        self.version = version
        self.parentVersion = parentVersion
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.fingerprint = fingerprint
        self.clusters = clusters
        self.novel = novel
        self.objective = objective
        self.latencyRefMs = latencyRefMs
        self.reprefillMsPer1kTokens = reprefillMsPer1kTokens
        self.rollout = rollout
        self.expected = expected
        self.provenance = provenance
    }

    /// The representation dimension every centroid has.
    public var dimension: Int { fingerprint.representationDim }

    /// Whether the table has expired at `nowMs`.
    public func isExpired(atMs nowMs: Int64) -> Bool { nowMs >= expiresAtMs }
}

/// What the representation and the consistency scores mean: tables are only valid for routers whose
/// local fingerprint is identical.
public struct Fingerprint: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `representation_model`: the model whose prefill hidden state is the representation.
    public var representationModel: String
    /// `representation_dim`: the representation's length d.
    public var representationDim: Int
    /// `reranker`: the reranker whose consistency labels trained the score head.
    public var reranker: String
    /// `prompt_template`: the prompt template the representation was taken under.
    public var promptTemplate: String

    public init(representationModel: String, representationDim: Int, reranker: String, promptTemplate: String) {
        self.representationModel = representationModel
        self.representationDim = representationDim
        self.reranker = reranker
        self.promptTemplate = promptTemplate
    }

    public var description: String {
        "\(representationModel)/d=\(representationDim)/\(reranker)/\(promptTemplate)"
    }
}

/// One cluster of a table.
public struct TableCluster: Sendable, Equatable {
    /// `id`: stable across re-clusterings.
    public var id: UInt32
    /// `centroid`: d floats.
    public var centroid: [Float]
    /// `radius2`: a query farther than this squared distance from its nearest centroid is novel.
    public var radius2: Float
    /// `t_device`, `t_edge`: the cluster's thresholds.
    public var thresholds: ThresholdPair

    public init(id: UInt32, centroid: [Float], radius2: Float, thresholds: ThresholdPair) {
        self.id = id
        self.centroid = centroid
        self.radius2 = radius2
        self.thresholds = thresholds
    }
}

/// The two thresholds of one cluster and the ConsRoute routing rule they define: device if `p_device >= device`,
/// else edge if `p_edge >= edge`, else cloud, the comparisons made in `Float` as on the device. Values in [0, 1]; a
/// threshold above every prediction never selects that tier. The one threshold pair of the package: tables,
/// tuning and the router all use it.
public struct ThresholdPair: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// `t_device`.
    public var device: Float
    /// `t_edge`.
    public var edge: Float

    /// Creates a threshold pair.
    /// - Parameters:
    ///   - device: the device threshold.
    ///   - edge: the edge threshold.
    public init(device: Float, edge: Float) {
        self.device = device
        self.edge = edge
    }

    /// Sends everything to the cloud unless a score is exactly 1.
    public static let cloudLeaning = ThresholdPair(device: 1, edge: 1)

    /// Thresholds above every valid prediction (predictions lie in [0, 1]): everything goes to the cloud.
    public static let allCloud = ThresholdPair(device: Float(1).nextUp, edge: Float(1).nextUp)

    /// The tier a query with these predicted consistencies is routed to.
    /// - Parameters:
    ///   - pDevice: the predicted consistency of the device's answer.
    ///   - pEdge: the predicted consistency of the edge's answer.
    @inline(__always)
    public func tier(pDevice: Float, pEdge: Float) -> Tier {
        if pDevice >= device { return .device }
        if pEdge >= edge { return .edge }
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
        return ThresholdPair(device: mix(device, target.device), edge: mix(edge, target.edge))
    }

    /// `(device: …, edge: …)`.
    public var description: String { "(device: \(device), edge: \(edge))" }
}
