package import ConsRouteKafka
import ConsRouteLoop
import ConsRouteModel
package import ConsRouteStore
import Foundation
import Hummingbird
package import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `consroute serve`: the controller process (docs/design.md §6–§11). One `ServiceGroup` runs the distribution API, the
/// loop clock (tunings, metrics, retries), the acknowledgement consumer and telemetry ingestion; on SIGTERM or
/// SIGINT (or cancellation) ingestion stops after its current batch with its offsets stored, then the loop, then
/// the API closes its subscribers, and `run` returns.
///
/// `init` does every start-up check (key, history, broker, topics) and fails with a one-line
/// `ControllerStartupError`; `run` binds the HTTP port and serves.
package final class Controller: Sendable {
    package let configuration: ControllerConfiguration
    /// The broker in use (`host:port,...`), the embedded one's address when none is configured.
    package let bootstrapServers: String
    package let store: HistoryStore
    package let cache: TableCache
    package let fleets: [FleetController]
    /// Telemetry into the fleets' loops (and, with one replica, into history).
    package let ingest: IngestService
    /// With replicas: the whole telemetry into this replica's history (nil with the embedded broker).
    package let historyIngest: IngestService?
    package let metrics: ControllerMetrics
    package let tally: AcknowledgementTally
    /// The admin bearer token in effect.
    package let adminToken: String
    let publisher: TablePublisher
    /// Which fleets this replica owns (nil with the embedded broker: one process owns every fleet).
    package let ownership: FleetOwnership?
    /// Follows the tables topic so this replica serves every fleet's newest table (nil with the embedded broker).
    let follower: TablesFollower?
    /// Shares drift events, runs, decisions and rollout steps with the other replicas (nil with the embedded broker).
    let changelog: HistoryChangelog?
    let acknowledgements: AcknowledgementService
    let producer: KafkaProducer
    /// The in-process broker when none is configured (kept alive for the controller's lifetime).
    package let embedded: KafkaMockCluster?
    let logger: Logger
    private let boundPort = Mutex<Int?>(nil)
    private let ready = Mutex(false)

    /// Starts everything that can fail before serving: reads the key and the admin token, opens history, reaches
    /// (or embeds) the broker, creates missing topics, and restores each fleet's latest table.
    ///
    /// - Throws: `ControllerStartupError` naming the cause.
    package init(configuration: ControllerConfiguration, logger: Logger = Logger(label: "consroute")) async throws {
        self.configuration = configuration
        self.logger = logger
        let key = try Self.signingKey(path: configuration.signingKeyFile)
        adminToken = try Self.adminToken(configuration.http)
        do {
            // With a shared broker, other replicas may serve this history's fleets: every record is shared through
            // the history topic (docs/design.md §9).
            store = try HistoryStore(
                path: configuration.history.path,
                sharesChanges: !configuration.broker.isEmbedded
            )
        } catch {
            throw ControllerStartupError.history(path: configuration.history.path, reason: "\(error)")
        }
        var kafka: KafkaConfiguration
        if configuration.broker.isEmbedded {
            do {
                let cluster = try KafkaMockCluster(brokerCount: 1)
                embedded = cluster
                kafka = cluster.clientConfiguration
            } catch {
                throw ControllerStartupError.embeddedBroker(reason: "\(error)")
            }
        } else {
            embedded = nil
            kafka = KafkaConfiguration(
                bootstrapServers: configuration.broker.bootstrapServers.joined(separator: ","),
                clientID: configuration.broker.clientID
            )
        }
        kafka.additionalConfig.merge(configuration.broker.settings) { _, configured in configured }
        bootstrapServers = kafka.bootstrapServers.joined(separator: ",")
        try Self.validateBrokerSettings(kafka, configuration: configuration)
        let telemetryPartitions = try await Self.prepareTopics(configuration, kafka: kafka, embedded: embedded)
        do {
            producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
        } catch {
            throw ControllerStartupError.brokerUnreachable(servers: bootstrapServers, reason: "\(error)")
        }

        let names = configuration.fleets.map(\.metadata.fleet)
        metrics = ControllerMetrics(registry: PrometheusCollectorRegistry(), fleets: names)
        cache = TableCache()
        tally = AcknowledgementTally()
        // Replicas (docs/design.md §9): on a broker other processes share, the owner of a fleet's telemetry
        // partition tunes and publishes it, its tables fenced through Kafka transactions, and every replica follows
        // the tables topic. The embedded broker lives in this process: one replica owns everything.
        var ownership: FleetOwnership?
        if !configuration.broker.isEmbedded {
            ownership = FleetOwnership(
                replicaID: configuration.ingest.replicaID,
                fleets: names,
                partitionCount: telemetryPartitions,
                logger: logger
            )
        }
        self.ownership = ownership
        var fencing: TablePublisher.Fencing?
        if let ownership, configuration.broker.tableFencing == .transactions {
            fencing = TablePublisher.Fencing(
                kafka: kafka,
                transactionalIDPrefix: "\(configuration.ingest.group).tables",
                trustedKeys: [key.verifyingKey],
                ownership: ownership,
                timeout: .milliseconds(max(10_000, configuration.broker.connectTimeoutMs))
            )
        }
        follower =
            configuration.broker.isEmbedded
            ? nil
            : TablesFollower(
                kafka: kafka,
                topic: configuration.topics.tables,
                trustedKeys: [key.verifyingKey],
                logger: logger
            )
        changelog =
            configuration.broker.isEmbedded
            ? nil
            : HistoryChangelog(
                kafka: kafka,
                topic: configuration.topics.history,
                store: store,
                producer: producer,
                replicaID: configuration.ingest.replicaID,
                logger: logger
            )
        publisher = TablePublisher(
            store: store,
            key: key,
            cache: cache,
            producer: producer,
            topic: configuration.topics.tables,
            metrics: metrics,
            fencing: fencing,
            logger: logger
        )
        // Another replica may have published newer tables of these fleets (docs/design.md §9): the tables topic has them.
        // The embedded broker is new with this process, so there is nothing to read.
        var fromTopic: [String: SignedTable] = [:]
        if !configuration.broker.isEmbedded {
            let reader = TablesTopicReader(
                kafka: kafka,
                topic: configuration.topics.tables,
                trustedKeys: [key.verifyingKey]
            )
            do {
                fromTopic = try await reader.latestTables(
                    timeout: .milliseconds(configuration.broker.connectTimeoutMs * 3)
                )
            } catch {
                throw ControllerStartupError.topic(name: configuration.topics.tables, reason: "\(error)")
            }
        }
        var controllers: [FleetController] = []
        for settings in configuration.fleets {
            let fleet = settings.metadata.fleet
            if let newer = fromTopic[fleet],
                newer.table.version > (try await store.highestTableVersion(fleet: fleet) ?? 0)
            {
                try await Self.adoptFromTopic(newer, store: store)
                logger.notice(
                    "adopted a newer table from the tables topic",
                    metadata: ["fleet": "\(fleet)", "version": "\(newer.table.version)"]
                )
            }
            let current = try await store.tables(HistoryQuery(fleet: fleet), status: .active).first
            let signed = try current.map { try SignedTable(envelope: Array($0.envelope.utf8)) }
            if let signed { try await publisher.restore(signed) }
            let highest = try await store.highestTableVersion(fleet: fleet) ?? 0
            let loop = FleetLoop(settings: settings, current: signed?.table, lastVersion: highest)
            let controller = FleetController(
                loop: loop,
                publisher: publisher,
                store: store,
                metrics: metrics,
                logger: logger,
                ownership: ownership
            )
            // A canary under test when the controller stopped is served again and its test starts over.
            if let signed, let record = try await store.tables(HistoryQuery(fleet: fleet), status: .canary).first,
                record.version > signed.table.version
            {
                let canary = try record.signedTable()
                try await publisher.restore(canary)
                await controller.resumeCanary(canary.table, controlVersion: signed.table.version)
            }
            controllers.append(controller)
        }
        fleets = controllers
        let byName = Dictionary(uniqueKeysWithValues: controllers.map { ($0.fleet, $0) })
        let ingestLogger = logger
        let ingestConfiguration = IngestConfiguration(
            kafka: kafka,
            group: configuration.ingest.group,
            telemetryTopic: configuration.topics.telemetry,
            deadLetterTopic: configuration.topics.deadLetters,
            fleets: Dictionary(
                uniqueKeysWithValues: configuration.fleets.map {
                    ($0.metadata.fleet, $0.metadata.fingerprint.representationDim)
                }
            ),
            maximumMessageBytes: configuration.ingest.maximumMessageBytes,
            dedupeWindow: configuration.ingest.dedupeWindow,
            bucketWidthMs: configuration.ingest.bucketWidthMs,
            batchSize: configuration.ingest.batchSize,
            sessionTimeout: .milliseconds(configuration.ingest.sessionTimeoutMs),
            replicaID: configuration.ingest.replicaID,
            limits: configuration.ingest.limits,
            role: ownership == nil ? .full : .loop
        )
        // With replicas, every replica's history records the whole telemetry: a second ingestion, in a consumer
        // group of its own (so every partition), counts each event exactly once into this history; the shared
        // group's ingestion feeds the loops of the fleets this replica owns (docs/design.md §9).
        if ownership != nil {
            var history = ingestConfiguration
            history.group = "\(configuration.ingest.group).history.\(configuration.ingest.replicaID)"
            history.role = .history
            historyIngest = IngestService(configuration: history, store: store, logger: logger)
        } else {
            historyIngest = nil
        }
        ingest = IngestService(
            configuration: ingestConfiguration,
            store: store,
            onEvents: { events, isReplay in
                var byFleet: [String: [TelemetryEvent]] = [:]
                for event in events { byFleet[event.fleet, default: []].append(event) }
                for (fleet, events) in byFleet {
                    do {
                        try await byName[fleet]?.ingest(events, isReplay: isReplay)
                    } catch {
                        ingestLogger.error(
                            "drift events not recorded",
                            metadata: ["fleet": "\(fleet)", "error": "\(error)"]
                        )
                    }
                }
            },
            ownership: ownership,
            logger: logger
        )
        acknowledgements = AcknowledgementService(
            kafka: kafka,
            group: configuration.ingest.group + ".acks",
            topic: configuration.topics.acks,
            fleets: Set(names),
            store: store,
            tally: tally,
            metrics: metrics,
            sessionTimeout: .milliseconds(configuration.ingest.sessionTimeoutMs),
            logger: logger
        )
    }

    /// Checks `broker.settings` as the consumers and producers will use them, before anything starts: a key the
    /// consumer manages itself (`enable.auto.commit`) or one librdkafka rejects would otherwise fail every ingest
    /// restart while `/readyz` said ready.
    private static func validateBrokerSettings(
        _ kafka: KafkaConfiguration,
        configuration: ControllerConfiguration
    ) throws {
        do {
            try KafkaConsumerConfiguration(
                client: kafka,
                groupID: configuration.ingest.group,
                topics: [configuration.topics.telemetry]
            ).validate()
            try KafkaProducerConfiguration(client: kafka).validate()
        } catch {
            // Both validations throw KafkaError only (typed throws).
            guard case .invalidConfiguration(let key, let reason) = error else { throw error }
            throw ControllerStartupError.brokerSetting(key: key, reason: reason)
        }
    }

    /// Raises the open-file limit to its hard limit and returns the HTTP connection cap that fits under it.
    private func raiseDescriptorLimit() -> Int {
        let configured = configuration.http.maximumConnections
        guard let (before, after) = FileDescriptorLimit.raiseToHardLimit() else {
            logger.warning(
                "the open-file limit cannot be read; HTTP connections capped as configured",
                metadata: ["max_connections": "\(configured)"]
            )
            return configured
        }
        let cap = FileDescriptorLimit.connectionCap(configured: configured, limit: after)
        logger.notice(
            "open-file limit \(after) (was \(before)); HTTP connections capped at \(cap)",
            metadata: ["nofile": "\(after)", "max_connections": "\(cap)"]
        )
        if cap < configured {
            logger.warning(
                "http.max_connections lowered to fit the open-file limit: raise the hard limit (ulimit -Hn) to allow more",
                metadata: ["configured": "\(configured)", "cap": "\(cap)"]
            )
        }
        return cap
    }

    /// `/readyz`: the API listens, ingestion runs (its last attempt did not fail) and history's disk has room.
    package var isReady: Bool {
        ready.withLock { $0 } && ingest.failure == nil && historyIngest?.failure == nil
            && DiskSpace.hasRoom(at: store.path)
    }

    /// The HTTP port once the API listens (useful with `http.port: 0`).
    package var httpPort: Int? { boundPort.withLock { $0 } }

    /// Serves until SIGTERM/SIGINT (when `handleSignals`) or cancellation, then shuts down gracefully.
    ///
    /// - Parameters:
    ///   - handleSignals: stop gracefully on SIGTERM and SIGINT (the CLI); in-process users cancel instead.
    ///   - onListening: called with the bound port once the API accepts connections.
    /// - Throws: `ControllerStartupError.httpBind` when the port cannot be bound; errors of a failed service.
    package func run(handleSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        let administration = administration
        let connectionCap = raiseDescriptorLimit()
        let api = DistributionAPI(
            cache: cache,
            history: administration,
            status: administration,
            admin: administration,
            metrics: DistributionMetrics(registry: metrics.registry),
            configuration: try DistributionAPIConfiguration(
                adminToken: adminToken,
                maximumWait: .seconds(configuration.http.maximumWaitSeconds),
                heartbeatInterval: .seconds(configuration.http.heartbeatSeconds),
                headerTimeout: .seconds(configuration.http.headerTimeoutSeconds),
                idleTimeout: .seconds(configuration.http.idleTimeoutSeconds),
                maximumConnections: connectionCap
            ),
            readiness: { [self] in self.isReady }
        )
        let address = "\(configuration.http.host):\(configuration.http.port)"
        let application = api.buildApplication(
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.http.host, port: configuration.http.port),
                serverName: "consroute",
                backlog: 4_096
            ),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? 0
                self.boundPort.withLock { $0 = port }
                self.ready.withLock { $0 = true }
                await onListening(port)
            }
        )
        let loop = ControllerLoopService(
            fleets: fleets,
            publisher: publisher,
            metrics: metrics,
            tally: tally,
            ingest: ingest,
            historyIngest: historyIngest,
            store: store,
            tick: .milliseconds(configuration.tickMs),
            retentionMs: Int64(configuration.history.retentionDays) * 86_400_000,
            logger: logger
        )
        let ingest = ingest
        let acknowledgements = acknowledgements
        // Shut down in reverse order: ingestion first (its offsets stored), then acknowledgements, the loop, and
        // the API last, so subscribers get every table published until then.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: application, serviceName: "http")
        ]
        if let follower {
            let byName = Dictionary(uniqueKeysWithValues: fleets.map { ($0.fleet, $0) })
            let logger = logger
            services.append(
                .init(
                    service: RestartingService(name: "tables", logger: logger) {
                        try await follower.run { signed, publishedBy in
                            do {
                                try await byName[signed.table.fleet]?.follow(signed, publishedBy: publishedBy)
                            } catch {
                                logger.error(
                                    "a table from the tables topic was not adopted",
                                    metadata: [
                                        "fleet": "\(signed.table.fleet)", "version": "\(signed.table.version)",
                                        "error": "\(error)",
                                    ]
                                )
                            }
                        }
                    },
                    serviceName: "tables"
                )
            )
        }
        if let changelog {
            services += [
                .init(
                    service: RestartingService(name: "history-out", logger: logger) { try await changelog.forward() },
                    serviceName: "history-out"
                ),
                .init(
                    service: RestartingService(name: "history-in", logger: logger) { try await changelog.follow() },
                    serviceName: "history-in"
                ),
            ]
        }
        services += [
            .init(service: loop, serviceName: "loop"),
            .init(
                service: RestartingService(name: "acknowledgements", logger: logger) {
                    try await acknowledgements.run()
                },
                serviceName: "acknowledgements"
            ),
            .init(
                service: RestartingService(name: "ingest", logger: logger) { try await ingest.run() },
                serviceName: "ingest"
            ),
        ]
        if let historyIngest {
            services.append(
                .init(
                    service: RestartingService(name: "history", logger: logger) { try await historyIngest.run() },
                    serviceName: "history"
                )
            )
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch let error as IOError
            where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES
            || error.errnoCode == EADDRNOTAVAIL
        {
            throw ControllerStartupError.httpBind(address: address, reason: error.description)
        } catch let error as ServiceGroupError {
            throw error
        }
        await publisher.shutdown()
        await producer.shutdown()
        logger.info("controller stopped", metadata: ["ingested": "\(ingest.counters.accepted)"])
    }

    /// The admin actions, fleet status and past tables, over this controller's fleets.
    package var administration: ControllerAdministration {
        ControllerAdministration(fleets: fleets, store: store, acknowledgements: tally)
    }
}
