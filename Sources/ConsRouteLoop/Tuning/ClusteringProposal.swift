/// The outcome of a re-clustering: centroids with stable ids and novelty radii.
public struct ClusteringProposal: Sendable, Equatable {
    public var dimension: Int
    /// Row-major k × d.
    public var centroids: [Float]
    /// Stable id of each centroid.
    public var ids: [UInt32]
    public var radius2: [Float]
    /// Ids that did not exist before, and previous ids with no successor.
    public var newIDs: [UInt32]
    public var retiredIDs: [UInt32]
    /// The next id never used in this fleet.
    public var nextID: UInt32
    public var inertia: Double
    public var pointsUsed: Int
    public var clusterCountBefore: Int
    /// Silhouette score per candidate k, when k was chosen.
    public var selectionScores: [Int: Double]
    public var seconds: Double

    public var clusterCount: Int { ids.count }

    public init(
        dimension: Int,
        centroids: [Float],
        ids: [UInt32],
        radius2: [Float],
        newIDs: [UInt32],
        retiredIDs: [UInt32],
        nextID: UInt32,
        inertia: Double,
        pointsUsed: Int,
        clusterCountBefore: Int,
        selectionScores: [Int: Double],
        seconds: Double
    ) {
        self.dimension = dimension
        self.centroids = centroids
        self.ids = ids
        self.radius2 = radius2
        self.newIDs = newIDs
        self.retiredIDs = retiredIDs
        self.nextID = nextID
        self.inertia = inertia
        self.pointsUsed = pointsUsed
        self.clusterCountBefore = clusterCountBefore
        self.selectionScores = selectionScores
        self.seconds = seconds
    }
}
