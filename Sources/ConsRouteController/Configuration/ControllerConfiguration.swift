public import ConsRouteLoop
public import ConsRouteModel

/// Everything `consroute serve` runs with (`config/controller.yaml` documents each key and its default).
///
/// Built by ``ControllerConfiguration/load(yaml:file:environment:)``, which validates every value and names the
/// key at fault; the defaults here are the documented ones.
public struct ControllerConfiguration: Sendable {
    /// The Kafka cluster. No bootstrap servers: an in-process broker (librdkafka's mock cluster).
    public struct Broker: Sendable, Equatable {
        /// The documented defaults.
        public init() {}

        /// `host:port` entries; empty for the embedded broker.
        public var bootstrapServers: [String] = []
        /// The client id prefix of every Kafka client.
        public var clientID = "consroute-controller"
        /// librdkafka settings passed through as is (TLS, SASL, timeouts).
        public var settings: [String: String] = [:]
        /// Partitions of each topic the controller creates when it is missing.
        public var partitions = 4
        /// Replication factor of the topics the controller creates.
        public var replicationFactor = 1
        /// How long start-up waits for the broker before failing.
        public var connectTimeoutMs: Int64 = 10_000
        /// How replicas keep one version sequence per fleet (docs/design.md §9); the embedded broker always uses
        /// `.none` (one process).
        public var tableFencing = TableFencing.transactions

        /// Whether the controller runs its own in-process broker.
        public var isEmbedded: Bool { bootstrapServers.isEmpty }
    }

    /// How the tables of a fleet are fenced across replicas.
    public enum TableFencing: String, Sendable, Equatable {
        /// Each fleet's tables are written in Kafka transactions under a `transactional.id` per fleet: a new owner
        /// fences the previous one's producer, and a table reaches the API only once the broker took it.
        case transactions
        /// One replica: tables are served at once and produced to the topic when the broker takes them.
        case none
    }

    /// The four topics of docs/design.md §4.
    public struct Topics: Sendable, Equatable {
        /// The documented defaults.
        public init() {}

        public var telemetry = "consroute.telemetry"
        public var acks = "consroute.acks"
        public var tables = "consroute.tables"
        public var deadLetters = "consroute.dlq"
    }

    /// Telemetry consumption.
    public struct Ingest: Sendable, Equatable {
        /// The documented defaults.
        public init() {}

        /// The consumer group of the controller replicas (acknowledgements use `<group>.acks`).
        public var group = "consroute-controller"
        /// This replica's id (dead-letter headers).
        public var replicaID = "replica-0"
        public var batchSize = 2_000
        public var dedupeWindow = 1_000_000
        public var maximumMessageBytes = 64 * 1024
        public var bucketWidthMs: Int64 = 60_000
        public var sessionTimeoutMs: Int64 = 10_000
        /// Bounds on event time, latency, cost and cluster id: outside them an event is dead-lettered (`bad_time`,
        /// `out_of_bounds`).
        public var limits = TelemetryLimits()
    }

    /// The distribution API.
    public struct HTTP: Sendable, Equatable {
        /// The documented defaults.
        public init() {}

        public var host = "127.0.0.1"
        public var port = 8080
        /// The admin bearer token; when set (inline or through `CONSROUTE_HTTP_ADMIN_TOKEN`) it wins over
        /// `adminTokenFile`, which the shipped configuration names, so setting a token needs no other change.
        public var adminToken = ""
        public var adminTokenFile = ""
        public var maximumWaitSeconds = 60
        public var heartbeatSeconds = 15
        /// A request head must arrive within this; else the connection is closed.
        public var headerTimeoutSeconds = 10
        /// A connection with no request in progress is closed after this (parked long-polls and streams are in
        /// progress).
        public var idleTimeoutSeconds = 60
        /// The most HTTP connections open at once (lowered to fit the descriptor limit, with a log line).
        public var maximumConnections = 16_384
    }

    /// The history database.
    public struct History: Sendable, Equatable {
        /// The documented defaults.
        public init() {}

        public var path = "consroute.sqlite"
        /// Drift events, runs and statistics older than this are pruned (tables are kept).
        public var retentionDays = 30
    }

    public var broker = Broker()
    public var topics = Topics()
    public var ingest = Ingest()
    public var http = HTTP()
    public var history = History()
    /// The Ed25519 private key file (from `consroute keygen`).
    public var signingKeyFile = "consroute.key"
    /// How often each fleet's loop checks for due tunings.
    public var tickMs: Int64 = 1_000
    /// Every fleet's table metadata, objective and loop settings; at least one, names unique.
    public var fleets: [FleetPipelineSettings] = []

    /// A configuration with every default and no fleets.
    public init() {}
}
