import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
import ConsRouteYAML
import Foundation
import Yams

extension ConfigurationReader {
    private static let rootKeys: Set<String> = [
        "broker", "topics", "ingest", "http", "history", "keys", "loop", "fleets",
    ]

    func configuration(_ root: Field) throws(ConfigurationError) -> ControllerConfiguration {
        let document = try root.mapping(allowed: Self.rootKeys)
        var configuration = ControllerConfiguration()
        configuration.broker = try broker(document)
        configuration.topics = try topics(document)
        configuration.ingest = try ingest(document)
        configuration.http = try http(document)
        let history = try section(document, "history", allowed: ["path", "retention_days"])
        configuration.history.path = try string(history, "path", default: configuration.history.path)
        configuration.history.retentionDays = try int(history, "retention_days", default: 30, in: 1...36_500)
        let keys = try section(document, "keys", allowed: ["signing_key_file"])
        configuration.signingKeyFile = try string(keys, "signing_key_file", default: configuration.signingKeyFile)
        let loop = try section(document, "loop", allowed: ["tick_ms"])
        configuration.tickMs = Int64(try int(loop, "tick_ms", default: 1_000, in: 10...600_000))
        guard let fleets = document["fleets"] else {
            throw root.invalid("required key fleets is missing (at least one fleet with name, dimension, fingerprint)")
        }
        let entries = try fleets.sequence()
        guard !entries.isEmpty else { throw fleets.invalid("expected at least one fleet") }
        var names: Set<String> = []
        for entry in entries {
            let settings = try fleet(entry)
            guard names.insert(settings.metadata.fleet).inserted else {
                throw entry.invalid("fleet \(settings.metadata.fleet) is configured twice")
            }
            configuration.fleets.append(settings)
        }
        return configuration
    }

    private func broker(_ document: Mapping) throws(ConfigurationError) -> ControllerConfiguration.Broker {
        let section = try section(
            document,
            "broker",
            allowed: [
                "bootstrap_servers", "client_id", "settings", "partitions", "replication_factor", "connect_timeout_s",
                "table_fencing",
            ]
        )
        var broker = ControllerConfiguration.Broker()
        let servers = try string(section, "bootstrap_servers", default: "", allowEmpty: true)
        broker.bootstrapServers = servers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for server in broker.bootstrapServers where !server.contains(":") {
            throw (value(section, "bootstrap_servers") ?? section.field).invalid("\(server) is not host:port")
        }
        broker.clientID = try string(section, "client_id", default: broker.clientID)
        broker.settings = try passThroughSettings(section)
        broker.partitions = try int(section, "partitions", default: 4, in: 1...1_024)
        broker.replicationFactor = try int(section, "replication_factor", default: 1, in: 1...16)
        broker.connectTimeoutMs = try milliseconds(section, "connect_timeout_s", defaultSeconds: 10, in: 0.1...600)
        let fencing = try string(section, "table_fencing", default: broker.tableFencing.rawValue)
        guard let tableFencing = ControllerConfiguration.TableFencing(rawValue: fencing) else {
            throw (value(section, "table_fencing") ?? section.field).invalid(
                "expected transactions (replicas fence each other through Kafka transactions) or none (one replica)"
            )
        }
        broker.tableFencing = tableFencing
        return broker
    }

    /// `broker.settings`: any librdkafka keys, values as strings.
    private func passThroughSettings(_ section: Mapping) throws(ConfigurationError) -> [String: String] {
        guard let field = section["settings"] else { return [:] }
        guard let mapping = field.node.mapping else { throw field.invalid("expected a mapping of librdkafka settings") }
        var settings: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, let text = value.scalar?.string else {
                throw field.invalid("every librdkafka setting must be a key with a scalar value")
            }
            settings[name] = text
        }
        return settings
    }

    private func topics(_ document: Mapping) throws(ConfigurationError) -> ControllerConfiguration.Topics {
        let section = try section(document, "topics", allowed: ["telemetry", "acks", "tables", "dlq", "history"])
        var topics = ControllerConfiguration.Topics()
        topics.telemetry = try string(section, "telemetry", default: topics.telemetry)
        topics.acks = try string(section, "acks", default: topics.acks)
        topics.tables = try string(section, "tables", default: topics.tables)
        topics.deadLetters = try string(section, "dlq", default: topics.deadLetters)
        topics.history = try string(section, "history", default: topics.history)
        let all = [topics.telemetry, topics.acks, topics.tables, topics.deadLetters, topics.history]
        guard Set(all).count == all.count else { throw section.field.invalid("the five topics must be distinct") }
        return topics
    }

    private func ingest(_ document: Mapping) throws(ConfigurationError) -> ControllerConfiguration.Ingest {
        let section = try section(
            document,
            "ingest",
            allowed: [
                "group", "replica_id", "batch_size", "dedupe_window", "max_message_bytes", "bucket_width_s",
                "session_timeout_ms", "event_time_window_s", "max_latency_ms", "max_cost", "max_cluster_id",
            ]
        )
        var ingest = ControllerConfiguration.Ingest()
        ingest.group = try string(section, "group", default: ingest.group)
        ingest.replicaID = try string(section, "replica_id", default: ingest.replicaID)
        ingest.batchSize = try int(section, "batch_size", default: ingest.batchSize, in: 1...100_000)
        ingest.dedupeWindow = try int(section, "dedupe_window", default: ingest.dedupeWindow, in: 1...100_000_000)
        ingest.maximumMessageBytes = try int(
            section,
            "max_message_bytes",
            default: ingest.maximumMessageBytes,
            in: 64...16_777_216
        )
        ingest.bucketWidthMs = try milliseconds(section, "bucket_width_s", defaultSeconds: 60, in: 1...86_400)
        ingest.sessionTimeoutMs = Int64(try int(section, "session_timeout_ms", default: 10_000, in: 1_000...300_000))
        let defaults = TelemetryLimits()
        ingest.limits.eventTimeWindowMs = try milliseconds(
            section,
            "event_time_window_s",
            defaultSeconds: Double(defaults.eventTimeWindowMs) / 1_000,
            in: 1...31_536_000
        )
        ingest.limits.maximumLatencyMs = Float(
            try double(section, "max_latency_ms", default: Double(defaults.maximumLatencyMs), in: 1...1e12)
        )
        ingest.limits.maximumCost = Float(
            try double(section, "max_cost", default: Double(defaults.maximumCost), in: 0...1e12)
        )
        ingest.limits.clusterIDLimit = UInt32(
            try int(
                section,
                "max_cluster_id",
                default: Int(defaults.clusterIDLimit) - 1,
                in: 0...Int(UInt32.max) - 1
            ) + 1
        )
        return ingest
    }

    private func http(_ document: Mapping) throws(ConfigurationError) -> ControllerConfiguration.HTTP {
        let section = try section(
            document,
            "http",
            allowed: [
                "host", "port", "admin_token", "admin_token_file", "max_wait_s", "heartbeat_s", "header_timeout_s",
                "idle_timeout_s", "max_connections",
            ]
        )
        var http = ControllerConfiguration.HTTP()
        http.host = try string(section, "host", default: http.host)
        http.port = try int(section, "port", default: http.port, in: 0...65_535)
        http.adminToken = try string(section, "admin_token", default: "", allowEmpty: true)
        http.adminTokenFile = try string(section, "admin_token_file", default: "", allowEmpty: true)
        http.maximumWaitSeconds = try int(section, "max_wait_s", default: 60, in: 1...3_600)
        http.heartbeatSeconds = try int(section, "heartbeat_s", default: 15, in: 1...3_600)
        http.headerTimeoutSeconds = try int(
            section,
            "header_timeout_s",
            default: http.headerTimeoutSeconds,
            in: 1...3_600
        )
        http.idleTimeoutSeconds = try int(
            section,
            "idle_timeout_s",
            default: http.idleTimeoutSeconds,
            in: 1...86_400
        )
        http.maximumConnections = try int(
            section,
            "max_connections",
            default: http.maximumConnections,
            in: 1...1_000_000
        )
        if !http.adminToken.isEmpty, http.adminToken.count < 16 {
            throw (value(section, "admin_token") ?? section.field).invalid(
                "an admin token needs at least 16 characters"
            )
        }
        return http
    }
}
