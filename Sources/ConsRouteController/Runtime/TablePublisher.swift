package import ConsRouteKafka
package import ConsRouteModel
package import ConsRouteStore
import Foundation
package import Logging
import Prometheus

/// Publishes tables (docs/design.md §6.7): assigns the version, signs, writes the table to history, puts it in the
/// cache that wakes every HTTP subscriber, and produces it to the tables topic keyed by fleet.
///
/// History is the record of versions: a version is taken as one above the highest ever stored for the fleet, so
/// versions strictly increase per fleet, across restarts and rollbacks. A fleet's publications and followed tables
/// come from its `FleetController` alone, one at a time (its gate): no two of them interleave at the actor's
/// suspension points, so two publications never choose one version.
///
/// With `fencing` (several replicas, docs/design.md §9), each fleet's tables are written by a transactional
/// producer whose `transactional.id` names the fleet: the first publication of a claim registers it (which fences
/// the producer of any replica that published the fleet before, Kafka's zombie fencing), then reads the tables
/// topic to its end and adopts a newer table found there, so the next version is one above every version any
/// replica published. The table reaches history and the cache only after its transaction committed: a fenced
/// (deposed) replica publishes nothing, and a broker that cannot take the table fails the publication.
///
/// Without fencing (one process: the embedded broker, or `broker.table_fencing: none`), the tables topic is
/// written after the cache: when the broker is unreachable the API keeps serving and the table is produced again
/// (latest per fleet) until the broker takes it; readers of the topic keep the highest version per fleet, so a
/// repeated or missing intermediate record changes nothing.
package actor TablePublisher {
    /// How tables are fenced across replicas.
    package struct Fencing: Sendable {
        /// The broker.
        package var kafka: KafkaConfiguration
        /// Each fleet's producer has the `transactional.id` `<prefix>.<fleet>`.
        package var transactionalIDPrefix: String
        /// The keys tables on the topic must verify with to be adopted.
        package var trustedKeys: [TableVerifyingKey]
        /// Which fleets this replica owns.
        package var ownership: FleetOwnership
        /// How long registering a producer, reading the topic, or committing may take.
        package var timeout: Duration

        package init(
            kafka: KafkaConfiguration,
            transactionalIDPrefix: String,
            trustedKeys: [TableVerifyingKey],
            ownership: FleetOwnership,
            timeout: Duration
        ) {
            self.kafka = kafka
            self.transactionalIDPrefix = transactionalIDPrefix
            self.trustedKeys = trustedKeys
            self.ownership = ownership
            self.timeout = timeout
        }
    }

    /// A fleet's transactional producer and the claim it was registered in.
    private struct FleetWriter {
        var producer: KafkaProducer
        var claim: Int
    }

    private let store: HistoryStore
    private let key: TableSigningKey
    private let cache: TableCache
    private let producer: KafkaProducer?
    private let topic: String
    private let metrics: ControllerMetrics?
    private let logger: Logger
    /// The latest table per fleet that the tables topic has not acknowledged yet.
    private var unproduced: [String: SignedTable] = [:]
    private let fencing: Fencing?
    private var writers: [String: FleetWriter] = [:]

    /// - Parameters:
    ///   - store: the history.
    ///   - key: the signing key.
    ///   - cache: the cache the HTTP API serves from.
    ///   - producer: the producer for the tables topic (nil: HTTP only, e.g. in tests).
    ///   - topic: the tables topic.
    ///   - metrics: where publications are counted.
    package init(
        store: HistoryStore,
        key: TableSigningKey,
        cache: TableCache,
        producer: KafkaProducer?,
        topic: String,
        metrics: ControllerMetrics?,
        fencing: Fencing? = nil,
        logger: Logger = Logger(label: "consroute.publisher")
    ) {
        self.fencing = fencing
        self.store = store
        self.key = key
        self.cache = cache
        self.producer = producer
        self.topic = topic
        self.metrics = metrics
        self.logger = logger
    }

    /// Publishes `table` as the fleet's next version. Called by the fleet's `FleetController` only, never while
    /// another publication or `follow` of the fleet is in progress.
    ///
    /// - Parameters:
    ///   - table: the table; its `version` and `parent_version` are replaced by the next version and the
    ///     current highest; a canary without a salt gets `canarySalt(fleet:version:)`.
    ///   - trigger: what caused it, for the history.
    /// - Returns: the signed table as published.
    /// - Throws: `TablePublicationError` when another replica owns the fleet; Kafka errors when the tables topic
    ///   did not take the table (with fencing); history and signing errors. Then nothing was published.
    package func publish(_ table: ThresholdTable, trigger: HistoryTrigger) async throws -> SignedTable {
        var table = table
        let transactional = try await writer(for: table.fleet)
        let highest = try await store.highestTableVersion(fleet: table.fleet) ?? 0
        let cached = await cache.tables(fleet: table.fleet).latestVersion
        let parent = max(highest, cached)
        table.version = parent + 1
        table.parentVersion = parent
        if table.rollout.stage == .canary, table.rollout.salt.isEmpty {
            table.rollout.salt = Self.canarySalt(fleet: table.fleet, version: table.version)
        }
        let signed = try SignedTable(signing: table, with: key)
        if let transactional, let fencing {
            do {
                try await transactional.sendInTransaction([record(signed)], timeout: fencing.timeout)
            } catch let error as KafkaError where error.isFenced {
                writers[table.fleet] = nil
                fencing.ownership.fenced(table.fleet)
                await transactional.shutdown(flushTimeout: .zero)
                throw TablePublicationError.deposed(fleet: table.fleet)
            }
        }
        try await store.insertTable(
            ThresholdTableRecord(
                fleet: table.fleet,
                version: table.version,
                parentVersion: parent > 0 ? parent : nil,
                status: table.rollout.stage == .canary ? .canary : .active,
                createdAt: table.createdAtMs,
                expiresAt: table.expiresAtMs,
                trigger: trigger,
                optimiserRunID: table.provenance.optimiserRunID.isEmpty ? nil : table.provenance.optimiserRunID,
                envelope: signed.envelopeString()
            )
        )
        try await cache.publish(signed)
        metrics?.tablesPublished(fleet: table.fleet).increment()
        guard transactional == nil else { return signed }
        unproduced[table.fleet] = signed
        // Not awaited: with the broker down, a delivery waits for its timeout, and neither the loop nor an
        // operator's rollback should.
        Task { await self.produceUnproduced() }
        return signed
    }

    /// The cohort salt of a fleet's canary at `version`: reproducible, and a fresh cohort for every canary.
    package static func canarySalt(fleet: String, version: UInt64) -> String {
        "\(fleet)/canary/v\(version)"
    }

    /// The highest version of the fleet in the cache (0 when none).
    package func latestVersion(fleet: String) async -> UInt64 {
        await cache.tables(fleet: fleet).latestVersion
    }

    /// Serves a table another replica published, if it is newer than the cache's. Called by the fleet's
    /// `FleetController` only, never during a publication of the fleet (its own table read back from the tables
    /// topic is then already in the cache, not newer).
    ///
    /// - Returns: whether the table was newer.
    package func follow(_ signed: SignedTable) async throws -> Bool {
        let fleet = signed.table.fleet
        guard signed.table.version > (await cache.tables(fleet: fleet).latestVersion) else { return false }
        try await cache.publish(signed)
        return true
    }

    /// Puts restored tables (from history at start) into the cache without a new version.
    package func restore(_ signed: SignedTable) async throws {
        try await cache.publish(signed)
    }

    /// Produces every fleet's latest unproduced table to the tables topic; a failure leaves it for the next call.
    package func produceUnproduced() async {
        guard let producer else {
            unproduced = [:]
            return
        }
        for (fleet, signed) in unproduced.sorted(by: { $0.key < $1.key }) {
            do {
                _ = try await producer.send(record(signed))
                if unproduced[fleet]?.table.version == signed.table.version { unproduced[fleet] = nil }
            } catch {
                logger.warning(
                    "table not yet on the tables topic; retrying",
                    metadata: ["fleet": "\(fleet)", "version": "\(signed.table.version)", "error": "\(error)"]
                )
            }
        }
    }

    private func record(_ signed: SignedTable) -> KafkaProducerRecord {
        KafkaProducerRecord(
            topic: topic,
            key: Array(signed.table.fleet.utf8),
            value: signed.envelopeBytes(),
            headers: [KafkaHeader(key: "content-type", string: "application/json")]
                + (fencing.map { [KafkaHeader(key: Self.replicaHeader, string: $0.ownership.replicaID)] } ?? [])
        )
    }

    /// The header naming the replica that published a table (for other replicas' `/status`).
    package static let replicaHeader = "consroute-replica"

    /// The fleet's transactional producer for the current claim (nil without fencing). A new claim registers a new
    /// producer, which fences the previous owner's, then reads the tables topic to its end and adopts a newer table.
    private func writer(for fleet: String) async throws -> KafkaProducer? {
        guard let fencing else { return nil }
        let status = fencing.ownership.status(of: fleet)
        guard status.owned else {
            throw TablePublicationError.notOwner(fleet: fleet, reason: status.reason ?? "another replica owns it")
        }
        let claim = fencing.ownership.claim(of: fleet)
        if let current = writers[fleet], current.claim == claim { return current.producer }
        if let previous = writers.removeValue(forKey: fleet) { await previous.producer.shutdown(flushTimeout: .zero) }
        var client = fencing.kafka
        let timeoutMs = String(max(1_000, fencing.timeout.components.seconds * 1_000))
        client.additionalConfig["transaction.timeout.ms"] =
            client.additionalConfig["transaction.timeout.ms"] ?? timeoutMs
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                client: client,
                deliveryTimeout: fencing.timeout,
                linger: .zero,
                transactionalID: "\(fencing.transactionalIDPrefix).\(fleet)"
            )
        )
        do {
            try await producer.initTransactions(timeout: fencing.timeout)
            let reader = TablesTopicReader(kafka: fencing.kafka, topic: topic, trustedKeys: fencing.trustedKeys)
            let newest = try await reader.latestTables(timeout: fencing.timeout)[fleet]
            let highest = max(
                try await store.highestTableVersion(fleet: fleet) ?? 0,
                await cache.tables(fleet: fleet).latestVersion
            )
            if let newest, newest.table.version > highest {
                try await Controller.adoptFromTopic(newest, store: store)
                try await cache.publish(newest)
            }
            logger.notice(
                "fleet claimed: tables producer registered (an earlier owner's is fenced), tables topic read to its end",
                metadata: [
                    "fleet": "\(fleet)", "claim": "\(claim)",
                    "newest_version": "\(max(highest, newest?.table.version ?? 0))",
                ]
            )
        } catch {
            await producer.shutdown(flushTimeout: .zero)
            if let kafka = error as? KafkaError, kafka.isFenced {
                fencing.ownership.fenced(fleet)
                throw TablePublicationError.deposed(fleet: fleet)
            }
            throw error
        }
        writers[fleet] = FleetWriter(producer: producer, claim: claim)
        return producer
    }

    /// Closes the fleets' transactional producers (at shutdown).
    package func shutdown() async {
        for writer in writers.values { await writer.producer.shutdown(flushTimeout: .seconds(2)) }
        writers = [:]
    }

    /// Whether some table still waits for the tables topic.
    package var hasUnproduced: Bool { !unproduced.isEmpty }
}

/// Why a replica did not publish a table of a fleet (docs/design.md §9).
package enum TablePublicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another replica owns the fleet (`reason` says how this one knows).
    case notOwner(fleet: String, reason: String)
    /// Another replica took the fleet over: this replica's tables producer was fenced and wrote nothing.
    case deposed(fleet: String)

    package var description: String {
        switch self {
        case .notOwner(let fleet, let reason):
            "this replica does not own fleet \(fleet): \(reason); its owner publishes its tables"
        case .deposed(let fleet):
            "fleet \(fleet) was taken over by another replica (this replica's tables producer was fenced); "
                + "nothing was published"
        }
    }
}
