public import ConsRouteModel

extension FleetDriftMonitor {
    /// One number per tier.
    public struct TierScores: Equatable, Sendable {
        /// The device tier's value.
        public var device: Double
        /// The edge tier's value.
        public var edge: Double
        /// The cloud tier's value.
        public var cloud: Double

        /// Creates the triple.
        /// - Parameters:
        ///   - device: the device tier's score, or NaN if not scored.
        ///   - edge: the edge tier's score, or NaN if not scored.
        ///   - cloud: the cloud tier's score, or NaN if not scored.
        public init(device: Double, edge: Double, cloud: Double) {
            self.device = device
            self.edge = edge
            self.cloud = cloud
        }

        /// The value of `tier`.
        public subscript(tier: Tier) -> Double {
            switch tier {
            case .device: return device
            case .edge: return edge
            case .cloud: return cloud
            }
        }
    }

    /// Where an event was served, and what it cost.
    public struct ServedOutcome: Equatable, Sendable {
        /// The tier that served the query.
        public var tier: Tier
        /// The end-to-end latency, in milliseconds (≥ 0).
        public var latencyMilliseconds: Double
        /// The cost (≥ 0, in the fleet's cost unit).
        public var cost: Double

        /// Creates a served outcome.
        /// - Parameters:
        ///   - tier: the serving tier.
        ///   - latencyMilliseconds: the latency, ≥ 0.
        ///   - cost: the cost, ≥ 0.
        public init(tier: Tier, latencyMilliseconds: Double, cost: Double) {
            self.tier = tier
            self.latencyMilliseconds = latencyMilliseconds
            self.cost = cost
        }
    }

    /// What the monitor needs to know about one query event.
    public struct Observation: Equatable, Sendable {
        /// The nearest centroid of the query's representation, in `0..<clusterCount`.
        public var cluster: Int
        /// Squared distance to that centroid divided by its reference mean (≈ 1 when nothing changed; ≥ 0).
        public var normalizedSquaredDistance: Double
        /// The reranker scores per tier, for shadow samples only; NaN marks a tier that was not scored.
        public var shadowScores: TierScores?
        /// The tier that served the query and its latency and cost, when known.
        public var served: ServedOutcome?

        /// Creates an observation.
        /// - Parameters:
        ///   - cluster: the nearest centroid.
        ///   - normalizedSquaredDistance: the normalised squared distance to it.
        ///   - shadowScores: per-tier scores of a shadow sample, or `nil`.
        ///   - served: the serving tier, latency and cost, or `nil`.
        public init(
            cluster: Int,
            normalizedSquaredDistance: Double,
            shadowScores: TierScores? = nil,
            served: ServedOutcome? = nil
        ) {
            self.cluster = cluster
            self.normalizedSquaredDistance = normalizedSquaredDistance
            self.shadowScores = shadowScores
            self.served = served
        }

        /// Checks every field; the error names the first invalid one.
        /// - Parameter clusterCount: the monitor's number of clusters.
        /// - Throws: ``DriftError/clusterOutOfRange(cluster:clusterCount:)`` or
        ///   ``DriftError/invalidObservation(field:value:expected:)``.
        public func validate(clusterCount: Int) throws(DriftError) {
            guard cluster >= 0 && cluster < clusterCount else {
                throw .clusterOutOfRange(cluster: cluster, clusterCount: clusterCount)
            }
            guard normalizedSquaredDistance.isFinite && normalizedSquaredDistance >= 0 else {
                throw .invalidObservation(
                    field: "normalizedSquaredDistance",
                    value: normalizedSquaredDistance,
                    expected: "a finite number >= 0"
                )
            }
            if let scores = shadowScores {
                for tier in Tier.allCases where !scores[tier].isNaN && !(scores[tier] >= 0 && scores[tier] <= 1) {
                    throw .invalidObservation(
                        field: "shadowScores.\(tier)",
                        value: scores[tier],
                        expected: "a score in [0, 1] or NaN"
                    )
                }
            }
            if let served {
                guard served.latencyMilliseconds.isFinite && served.latencyMilliseconds >= 0 else {
                    throw .invalidObservation(
                        field: "served.latencyMilliseconds",
                        value: served.latencyMilliseconds,
                        expected: "a finite number >= 0"
                    )
                }
                guard served.cost.isFinite && served.cost >= 0 else {
                    throw .invalidObservation(
                        field: "served.cost",
                        value: served.cost,
                        expected: "a finite number >= 0"
                    )
                }
            }
        }
    }

    /// What the representation detectors compare against: the clustering's size and, optionally, its occupancy.
    public struct Reference: Equatable, Sendable {
        /// The number of clusters k (≥ 2).
        public var clusterCount: Int
        /// Events per cluster in the clustering's sample (any scale; its total sets the reference's precision),
        /// or empty to learn the occupancy from the stream.
        public var occupancyCounts: [Double]

        /// Creates a reference.
        /// - Parameters:
        ///   - clusterCount: k.
        ///   - occupancyCounts: one count per cluster, or empty (the default) to learn them.
        public init(clusterCount: Int, occupancyCounts: [Double] = []) {
            self.clusterCount = clusterCount
            self.occupancyCounts = occupancyCounts
        }
    }
}
