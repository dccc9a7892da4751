package import ConsRouteKafka
package import ConsRouteModel

/// Settings of telemetry ingestion.
package struct IngestConfiguration: Sendable {
    /// What an ingestion service does with a batch (docs/design.md §9).
    package enum Role: Sendable, Equatable {
        /// One replica: statistics, dead letters and offsets in one history transaction; events to the loops.
        case full
        /// Every replica's own record of the whole telemetry (a consumer group of its own, so every partition):
        /// statistics and offsets exactly once in this replica's history; no events to the loops, no dead letters
        /// (the loop role of the partition's owner forwards those).
        case history
        /// The shared group: events of the partitions this replica holds go to the fleets' loops and dead letters
        /// to the dead-letter topic; the group's committed offsets (with the replay offset) are the checkpoint.
        case loop
    }

    /// Broker addresses, security and pass-through librdkafka keys.
    package var kafka: KafkaConfiguration
    /// The consumer group of the controller replicas.
    package var group: String
    /// `consroute.telemetry`.
    package var telemetryTopic: String
    /// `consroute.dlq`.
    package var deadLetterTopic: String
    /// Representation dimension per known fleet.
    package var fleets: [String: Int]
    /// Messages larger than this are dead-lettered as `oversize`.
    package var maximumMessageBytes: Int
    /// Distinct event ids remembered per partition for dedupe.
    package var dedupeWindow: Int
    /// Width of a statistics time bucket.
    package var bucketWidthMs: Int64
    /// Messages per batch (one history transaction each). 2,000 measured 1.7× the throughput of 500 on a
    /// real broker (larger SQLite transactions; see docs/benchmarks.md, ingest-e2e) at about 3 MB of buffered messages.
    package var batchSize: Int
    /// Group session timeout (a Tansu group join waits about half of it).
    package var sessionTimeout: Duration
    /// Identifies this replica in dead-letter headers, so a restarted replica recognises its own.
    package var replicaID: String
    /// Bounds on event time, latency, cost and cluster id (outside: `bad_time`, `out_of_bounds`).
    package var limits: TelemetryLimits
    /// What the service does with a batch (default `.full`).
    package var role: Role

    package init(
        kafka: KafkaConfiguration,
        group: String = "consroute-controller",
        telemetryTopic: String = "consroute.telemetry",
        deadLetterTopic: String = "consroute.dlq",
        fleets: [String: Int],
        maximumMessageBytes: Int = 64 * 1024,
        dedupeWindow: Int = 1_000_000,
        bucketWidthMs: Int64 = 60_000,
        batchSize: Int = 2_000,
        sessionTimeout: Duration = .seconds(10),
        replicaID: String = "replica-0",
        limits: TelemetryLimits = TelemetryLimits(),
        role: Role = .full
    ) {
        self.role = role
        self.kafka = kafka
        self.group = group
        self.telemetryTopic = telemetryTopic
        self.deadLetterTopic = deadLetterTopic
        self.fleets = fleets
        self.maximumMessageBytes = maximumMessageBytes
        self.dedupeWindow = dedupeWindow
        self.bucketWidthMs = bucketWidthMs
        self.batchSize = batchSize
        self.sessionTimeout = sessionTimeout
        self.replicaID = replicaID
        self.limits = limits
    }
}
