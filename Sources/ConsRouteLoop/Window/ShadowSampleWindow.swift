public import ConsRouteModel

/// The most recent shadow samples of a fleet with their representations, so that after a re-clustering
/// every sample can be re-assigned to the new clusters before thresholds are optimised.
///
/// One ring for the whole fleet (recent-weighted by construction: old samples leave first); per-cluster
/// sample sets are derived on demand by assignment, capped per cluster to the most recent ones.
public struct ShadowSampleWindow: Sendable {
    /// One stored shadow sample.
    public struct Sample: Sendable, Equatable {
        public var pDevice: Float
        public var pEdge: Float
        public var outcome: ShadowOutcome
        public var timeUnixMs: Int64

        public init(pDevice: Float, pEdge: Float, outcome: ShadowOutcome, timeUnixMs: Int64) {
            self.pDevice = pDevice
            self.pEdge = pEdge
            self.outcome = outcome
            self.timeUnixMs = timeUnixMs
        }
    }

    public let dimension: Int
    public let capacity: Int
    private var samples: [Sample] = []
    private var representations: [Float16] = []
    private var next = 0

    public init(dimension: Int, capacity: Int) {
        precondition(dimension >= 1 && capacity >= 1, "a shadow window needs a dimension and a capacity of at least 1")
        self.dimension = dimension
        self.capacity = capacity
    }

    /// The number of samples held.
    public var count: Int { samples.count }

    /// Appends the shadow sample carried by `event` (events without `shadow` are ignored).
    public mutating func append(_ event: TelemetryEvent) {
        guard let outcome = event.shadow else { return }
        let sample = Sample(pDevice: event.pDevice, pEdge: event.pEdge, outcome: outcome, timeUnixMs: event.timeUnixMs)
        if samples.count < capacity {
            samples.append(sample)
            representations.append(contentsOf: repeatElement(0, count: dimension))
        } else {
            samples[next] = sample
        }
        HalfPrecision.store(event.representation, into: &representations, at: next * dimension)
        next = (next + 1) % capacity
    }

    /// Samples grouped by the cluster `assign` puts their representation in, newest first, at most
    /// `perCluster` per cluster; `assign` returns nil for samples that belong to no cluster (novel).
    ///
    /// - Complexity: O(count · cost of `assign`).
    public func grouped(perCluster: Int, assign: ([Float]) -> Int?) -> [Int: [Sample]] {
        var groups: [Int: [Sample]] = [:]
        var representation = [Float](repeating: 0, count: dimension)
        for age in 0..<samples.count {
            let index = (next - 1 - age + 2 * capacity) % capacity
            guard index < samples.count else { continue }
            representation.withUnsafeMutableBufferPointer {
                HalfPrecision.load(representations, at: index * dimension, into: $0)
            }
            guard let cluster = assign(representation) else { continue }
            if groups[cluster, default: []].count < perCluster { groups[cluster, default: []].append(samples[index]) }
        }
        return groups
    }

    /// Calls `body` with each held sample and its representation, newest first, in one reused buffer, until
    /// `body` returns false.
    ///
    /// - Complexity: O(count · d) at most.
    public func forEachNewest(_ body: (Sample, UnsafeBufferPointer<Float>) -> Bool) {
        var representation = [Float](repeating: 0, count: dimension)
        representation.withUnsafeMutableBufferPointer { row in
            for age in 0..<samples.count {
                let index = (next - 1 - age + 2 * capacity) % capacity
                guard index < samples.count else { continue }
                HalfPrecision.load(representations, at: index * dimension, into: row)
                guard body(samples[index], UnsafeBufferPointer(row)) else { return }
            }
        }
    }

    /// Mean latency of the cloud tier over the held samples (the fleet's all-cloud latency), 0 when empty.
    public var meanCloudLatencyMs: Double {
        guard !samples.isEmpty else { return 0 }
        return samples.reduce(0.0) { $0 + Double($1.outcome.latencyMs.cloud) } / Double(samples.count)
    }

    /// All samples, newest first.
    public func all() -> [Sample] {
        (0..<samples.count).map { age in samples[(next - 1 - age + 2 * capacity) % capacity] }
    }
}
