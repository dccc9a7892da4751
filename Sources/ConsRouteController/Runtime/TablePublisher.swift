public import ConsRouteKafka
public import ConsRouteModel
public import ConsRouteStore
import Foundation
public import Logging
import Prometheus

/// Publishes tables (docs/design.md §6.7): assigns the version, signs, writes the table to history, puts it in the
/// cache that wakes every HTTP subscriber, and produces it to the tables topic keyed by fleet.
///
/// History is the record of versions: a version is taken as one above the highest ever stored for the fleet,
/// inside this actor, so versions strictly increase per fleet, across restarts and rollbacks. The tables topic
/// is written after the cache: when the broker is unreachable the API keeps serving and the table is produced
/// again (latest per fleet) until the broker takes it; readers of the topic keep the highest version per fleet,
/// so a repeated or missing intermediate record changes nothing.
public actor TablePublisher {
    private let store: HistoryStore
    private let key: TableSigningKey
    private let cache: TableCache
    private let producer: KafkaProducer?
    private let topic: String
    private let metrics: ControllerMetrics?
    private let logger: Logger
    /// The latest table per fleet that the tables topic has not acknowledged yet.
    private var unproduced: [String: SignedTable] = [:]

    /// - Parameters:
    ///   - store: the history.
    ///   - key: the signing key.
    ///   - cache: the cache the HTTP API serves from.
    ///   - producer: the producer for the tables topic (nil: HTTP only, e.g. in tests).
    ///   - topic: the tables topic.
    ///   - metrics: where publications are counted.
    public init(
        store: HistoryStore,
        key: TableSigningKey,
        cache: TableCache,
        producer: KafkaProducer?,
        topic: String,
        metrics: ControllerMetrics?,
        logger: Logger = Logger(label: "consroute.publisher")
    ) {
        self.store = store
        self.key = key
        self.cache = cache
        self.producer = producer
        self.topic = topic
        self.metrics = metrics
        self.logger = logger
    }

    /// Publishes `table` as the fleet's next version.
    ///
    /// - Parameters:
    ///   - table: the table; its `version` and `parent_version` are replaced by the next version and the
    ///     current highest; a canary without a salt gets `canarySalt(fleet:version:)`.
    ///   - trigger: what caused it, for the history.
    /// - Returns: the signed table as published.
    /// - Throws: history and signing errors (then nothing was published).
    public func publish(_ table: ThresholdTable, trigger: HistoryTrigger) async throws -> SignedTable {
        var table = table
        let highest = try await store.highestTableVersion(fleet: table.fleet) ?? 0
        let cached = await cache.tables(fleet: table.fleet).latestVersion
        let parent = max(highest, cached)
        table.version = parent + 1
        table.parentVersion = parent
        if table.rollout.stage == .canary, table.rollout.salt.isEmpty {
            table.rollout.salt = Self.canarySalt(fleet: table.fleet, version: table.version)
        }
        let signed = try SignedTable(signing: table, with: key)
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
        unproduced[table.fleet] = signed
        // Not awaited: with the broker down, a delivery waits for its timeout, and neither the loop nor an
        // operator's rollback should.
        Task { await self.produceUnproduced() }
        return signed
    }

    /// The cohort salt of a fleet's canary at `version`: reproducible, and a fresh cohort for every canary.
    public static func canarySalt(fleet: String, version: UInt64) -> String {
        "\(fleet)/canary/v\(version)"
    }

    /// Puts restored tables (from history at start) into the cache without a new version.
    public func restore(_ signed: SignedTable) async throws {
        try await cache.publish(signed)
    }

    /// Produces every fleet's latest unproduced table to the tables topic; a failure leaves it for the next call.
    public func produceUnproduced() async {
        guard let producer else {
            unproduced = [:]
            return
        }
        for (fleet, signed) in unproduced.sorted(by: { $0.key < $1.key }) {
            let record = KafkaProducerRecord(
                topic: topic,
                key: Array(fleet.utf8),
                value: signed.envelopeBytes(),
                headers: [KafkaHeader(key: "content-type", string: "application/json")]
            )
            do {
                _ = try await producer.send(record)
                if unproduced[fleet]?.table.version == signed.table.version { unproduced[fleet] = nil }
            } catch {
                logger.warning(
                    "table not yet on the tables topic; retrying",
                    metadata: ["fleet": "\(fleet)", "version": "\(signed.table.version)", "error": "\(error)"]
                )
            }
        }
    }

    /// Whether some table still waits for the tables topic.
    public var hasUnproduced: Bool { !unproduced.isEmpty }
}
