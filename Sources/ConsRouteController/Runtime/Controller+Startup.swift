import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import Foundation

extension Controller {
    /// Reads the Ed25519 private key (`consroute keygen`).
    static func signingKey(path: String) throws(ControllerStartupError) -> TableSigningKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "the file is not readable" : "no such file"
            throw .signingKey(path: path, reason: reason)
        }
        do {
            return try KeyFile.signingKey(from: Array(data))
        } catch {
            throw .signingKey(path: path, reason: "\(error)")
        }
    }

    /// The admin token: configured inline, or read from its file, which is created with a random token (mode
    /// 0600) when it does not exist yet, so a first start needs no set-up. The token itself is never logged.
    static func adminToken(_ http: ControllerConfiguration.HTTP) throws(ControllerStartupError) -> String {
        if !http.adminToken.isEmpty { return http.adminToken }
        let path = http.adminTokenFile.isEmpty ? "admin.token" : http.adminTokenFile
        if let data = FileManager.default.contents(atPath: path) {
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 16 else {
                throw .adminToken(path: path, reason: "the token must have at least 16 characters")
            }
            return token
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data((token + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw .adminToken(path: path, reason: "the file does not exist and cannot be created")
        }
        return token
    }

    /// Makes sure the four topics exist: on the embedded broker by creating them; on a real broker by asking
    /// for metadata within the connect timeout (which also proves the broker reachable) and creating the
    /// missing ones.
    ///
    /// - Returns: the telemetry topic's partition count (what a replica must hold to own every fleet).
    @discardableResult
    static func prepareTopics(
        _ configuration: ControllerConfiguration,
        kafka: KafkaConfiguration,
        embedded: KafkaMockCluster?
    ) async throws(ControllerStartupError) -> Int {
        let topics = configuration.topics
        // The history topic only matters between replicas: the embedded broker has one process.
        let names =
            [topics.telemetry, topics.acks, topics.tables, topics.deadLetters]
            + (embedded == nil ? [topics.history] : [])
        let partitions = configuration.broker.partitions
        if let embedded {
            for name in names {
                do {
                    try embedded.createTopic(name, partitions: name == topics.tables ? 1 : partitions)
                } catch {
                    throw .topic(name: name, reason: "\(error)")
                }
            }
            return partitions
        }
        let servers = kafka.bootstrapServers.joined(separator: ",")
        let admin: KafkaAdminClient
        do {
            admin = try KafkaAdminClient(configuration: kafka)
        } catch {
            throw .brokerUnreachable(servers: servers, reason: "\(error)")
        }
        let timeout = Duration.milliseconds(configuration.broker.connectTimeoutMs)
        var telemetryPartitions = partitions
        for name in names {
            if let metadata = try? await admin.metadata(for: name, timeout: timeout), !metadata.partitions.isEmpty {
                if name == topics.telemetry { telemetryPartitions = metadata.partitions.count }
                continue
            }
            do {
                try await admin.createTopic(
                    KafkaTopicSpecification(
                        name: name,
                        partitions: name == topics.tables ? 1 : partitions,
                        replicationFactor: configuration.broker.replicationFactor,
                        config: name == topics.tables ? ["cleanup.policy": "compact"] : [:]
                    ),
                    timeout: timeout
                )
            } catch {
                if let metadata = try? await admin.metadata(for: name, timeout: timeout), !metadata.partitions.isEmpty {
                    if name == topics.telemetry { telemetryPartitions = metadata.partitions.count }
                    continue
                }
                throw .brokerUnreachable(servers: servers, reason: "cannot create or find topic \(name): \(error)")
            }
        }
        return telemetryPartitions
    }

    /// Records a table another replica published (read from the tables topic) as this history's active table, with
    /// the trigger its provenance names.
    static func adoptFromTopic(_ signed: SignedTable, store: HistoryStore) async throws {
        let table = signed.table
        let trigger = FleetController.historyTrigger(provenance: table.provenance.trigger)
        try await store.insertTable(
            ThresholdTableRecord(
                fleet: table.fleet,
                version: table.version,
                parentVersion: table.parentVersion > 0 ? table.parentVersion : nil,
                status: table.rollout.stage == .canary ? .canary : .active,
                createdAt: table.createdAtMs,
                expiresAt: table.expiresAtMs,
                trigger: trigger,
                optimiserRunID: table.provenance.optimiserRunID.isEmpty ? nil : table.provenance.optimiserRunID,
                envelope: signed.envelopeString()
            )
        )
    }
}
