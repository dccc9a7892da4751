package import ConsRouteLoop
package import ConsRouteModel

/// Everything `consroute serve` runs with (`config/controller.yaml` documents each key and its default).
///
/// Built by ``ControllerConfiguration/load(yaml:file:environment:)``, which validates every value and names the
/// key at fault; the defaults here are the documented ones.
package struct ControllerConfiguration: Sendable {
    /// The Kafka cluster. No bootstrap servers: an in-process broker (librdkafka's mock cluster).
    package struct Broker: Sendable, Equatable {
        /// The documented defaults.
        package init() {}

        /// `host:port` entries; empty for the embedded broker.
        package var bootstrapServers: [String] = []
        /// The client id prefix of every Kafka client.
        package var clientID = "consroute-controller"
        /// librdkafka settings passed through as is (TLS, SASL, timeouts).
        package var settings: [String: String] = [:]
        /// Partitions of each topic the controller creates when it is missing.
        package var partitions = 4
        /// Replication factor of the topics the controller creates.
        package var replicationFactor = 1
        /// How long start-up waits for the broker before failing.
        package var connectTimeoutMs: Int64 = 10_000
        /// How replicas keep one version sequence per fleet (docs/design.md §9); the embedded broker always uses
        /// `.none` (one process).
        package var tableFencing = TableFencing.transactions

        /// Whether the controller runs its own in-process broker.
        package var isEmbedded: Bool { bootstrapServers.isEmpty }
    }

    /// How the tables of a fleet are fenced across replicas.
    package enum TableFencing: String, Sendable, Equatable {
        /// Each fleet's tables are written in Kafka transactions under a `transactional.id` per fleet: a new owner
        /// fences the previous one's producer, and a table reaches the API only once the broker took it.
        case transactions
        /// One replica: tables are served at once and produced to the topic when the broker takes them.
        case none
    }

    /// The topics of docs/design.md §4, and the history topic replicas share their history on (§9).
    package struct Topics: Sendable, Equatable {
        /// The documented defaults.
        package init() {}

        package var telemetry = "consroute.telemetry"
        package var acks = "consroute.acks"
        package var tables = "consroute.tables"
        package var deadLetters = "consroute.dlq"
        /// Drift events, runs, decisions and rollout steps, sent by a fleet's owner to every replica's history.
        package var history = "consroute.history"
    }

    /// Telemetry consumption.
    package struct Ingest: Sendable, Equatable {
        /// The documented defaults.
        package init() {}

        /// The consumer group of the controller replicas (acknowledgements use `<group>.acks`).
        package var group = "consroute-controller"
        /// This replica's id (dead-letter headers).
        package var replicaID = "replica-0"
        package var batchSize = 2_000
        package var dedupeWindow = 1_000_000
        package var maximumMessageBytes = 64 * 1024
        package var bucketWidthMs: Int64 = 60_000
        package var sessionTimeoutMs: Int64 = 10_000
        /// Bounds on event time, latency, cost and cluster id: outside them an event is dead-lettered (`bad_time`,
        /// `out_of_bounds`).
        package var limits = TelemetryLimits()
    }

    /// The distribution API.
    package struct HTTP: Sendable, Equatable {
        /// The documented defaults.
        package init() {}

        package var host = "127.0.0.1"
        package var port = 8080
        /// The admin bearer token; when set (inline or through `CONSROUTE_HTTP_ADMIN_TOKEN`) it wins over
        /// `adminTokenFile`, which the shipped configuration names, so setting a token needs no other change.
        package var adminToken = ""
        package var adminTokenFile = ""
        package var maximumWaitSeconds = 60
        package var heartbeatSeconds = 15
        /// A request head must arrive within this; else the connection is closed.
        package var headerTimeoutSeconds = 10
        /// A connection with no request in progress is closed after this (parked long-polls and streams are in
        /// progress).
        package var idleTimeoutSeconds = 60
        /// The most HTTP connections open at once (lowered to fit the descriptor limit, with a log line).
        package var maximumConnections = 16_384
    }

    /// The history database.
    package struct History: Sendable, Equatable {
        /// The documented defaults.
        package init() {}

        package var path = "consroute.sqlite"
        /// Drift events, runs and statistics older than this are pruned (tables are kept).
        package var retentionDays = 30
    }

    package var broker = Broker()
    package var topics = Topics()
    package var ingest = Ingest()
    package var http = HTTP()
    package var history = History()
    /// The Ed25519 private key file (from `consroute keygen`).
    package var signingKeyFile = "consroute.key"
    /// How often each fleet's loop checks for due tunings.
    package var tickMs: Int64 = 1_000
    /// Every fleet's table metadata, objective and loop settings; at least one, names unique.
    package var fleets: [FleetPipelineSettings] = []

    /// A configuration with every default and no fleets.
    package init() {}
}
