package import ConsRouteKafka
import ConsRouteModel
package import ConsRouteStore
package import Logging
import Prometheus

/// Consumes table acknowledgements (docs/design.md §4, `consroute.acks`) into history exactly once in effect: each
/// batch's per-version counts and the consumer offsets it advanced are written in one transaction, and the
/// consumer resumes from the stored offsets. Also keeps each device's latest acknowledgement for convergence.
///
/// Acknowledgements that do not decode, name an unknown fleet, or carry version 0 (a table that could not even
/// be parsed) are counted in the metrics and logged; they have no version to be stored under.
package final class AcknowledgementService: Sendable {
    private let kafka: KafkaConfiguration
    private let group: String
    private let topic: String
    private let fleets: Set<String>
    private let store: HistoryStore
    private let tally: AcknowledgementTally
    private let metrics: ControllerMetrics?
    private let logger: Logger
    private let sessionTimeout: Duration

    /// - Parameters:
    ///   - kafka: the broker.
    ///   - group: the consumer group (its offsets are also stored in history).
    ///   - topic: the acks topic.
    ///   - fleets: the known fleets.
    ///   - store: the history.
    ///   - tally: per-device latest acknowledgements.
    ///   - metrics: where acknowledgements are counted.
    package init(
        kafka: KafkaConfiguration,
        group: String,
        topic: String,
        fleets: Set<String>,
        store: HistoryStore,
        tally: AcknowledgementTally,
        metrics: ControllerMetrics?,
        sessionTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "consroute.acks")
    ) {
        self.kafka = kafka
        self.group = group
        self.topic = topic
        self.fleets = fleets
        self.store = store
        self.tally = tally
        self.metrics = metrics
        self.sessionTimeout = sessionTimeout
        self.logger = logger
    }

    /// Consumes until cancelled (a graceful stop after the current batch).
    ///
    /// - Throws: Kafka and history errors.
    package func run() async throws {
        let store = store
        let group = group
        let topic = topic
        try await bindOffsetsToCluster()
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: kafka,
                groupID: group,
                topics: [topic],
                sessionTimeout: sessionTimeout,
                maxBatchSize: 2_000
            ),
            startOffsets: { partitions in
                let stored = try await store.storedOffsets(group: group, topic: topic)
                var starts: [KafkaTopicPartition: Int64] = [:]
                for partition in partitions {
                    if let offset = stored[partition.partition] { starts[partition] = offset }
                }
                return starts
            }
        )
        do {
            for try await event in consumer.events {
                if Task.isCancelled { break }
                guard case .messages(let batch) = event, !batch.isEmpty else { continue }
                try await consume(batch)
            }
        } catch is CancellationError {
        } catch {
            await consumer.shutdown()
            throw error
        }
        await consumer.shutdown()
    }

    /// Stored offsets are positions in one cluster's log; on another cluster (an embedded broker is a new one in
    /// every process) they are discarded, so that its acknowledgements are counted, not skipped.
    private func bindOffsetsToCluster() async throws {
        let probe = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
        let reported: String?
        do {
            reported = try await probe.clusterID(timeout: sessionTimeout)
        } catch {
            await probe.shutdown(flushTimeout: .zero)
            throw error
        }
        await probe.shutdown(flushTimeout: .zero)
        guard let clusterID = reported else { return }
        let binding = try await store.bindConsumerOffsets(group: group, topic: topic, clusterID: clusterID)
        if case .changed(let previous, let discarded) = binding {
            logger.error(
                """
                the Kafka cluster changed: the history's acknowledgement offsets belong to cluster \(previous), the \
                broker is cluster \(clusterID); its acknowledgements are counted from the start of its log (the old \
                offsets of \(discarded) partitions are discarded)
                """,
                metadata: ["group": "\(group)", "topic": "\(topic)"]
            )
        }
    }

    private func consume(_ batch: [KafkaMessage]) async throws {
        var deltas: [AcknowledgementDelta.Key: Int64] = [:]
        var offsets: [Int32: Int64] = [:]
        for message in batch {
            offsets[message.partition] = max(offsets[message.partition] ?? 0, message.offset + 1)
            let format = TelemetryDecoder.Format(contentType: message.headers.first(named: "content-type")?.stringValue)
            guard let ack = try? TableAcknowledgement(bytes: message.value, format: format), fleets.contains(ack.fleet)
            else {
                metrics?.acks(fleet: "unknown", result: "invalid").increment()
                logger.warning(
                    "acknowledgement skipped: not a TableAck of a known fleet",
                    metadata: ["offset": "\(message.offset)"]
                )
                continue
            }
            tally.record(fleet: ack.fleet, device: ack.deviceID, version: ack.version, applied: ack.applied)
            metrics?.acks(fleet: ack.fleet, result: ack.applied ? "applied" : "rejected").increment()
            guard ack.version > 0 else { continue }
            let outcome: AcknowledgementDelta.Outcome =
                ack.applied ? .applied : .rejected(reason: Self.reasonCode(ack.reason))
            deltas[AcknowledgementDelta.Key(fleet: ack.fleet, version: ack.version, outcome: outcome), default: 0] += 1
        }
        let effect = IngestEffect(
            acknowledgements: deltas.map {
                AcknowledgementDelta(
                    fleet: $0.key.fleet,
                    version: $0.key.version,
                    outcome: $0.key.outcome,
                    count: $0.value
                )
            },
            offsets: offsets.map { ConsumerOffset(group: group, topic: topic, partition: $0.key, nextOffset: $0.value) }
        )
        try await store.apply(effect)
    }

    /// The reason's code (the router's reasons read `code: detail`): counts are kept per code, so that free text
    /// cannot grow the table without bound.
    static func reasonCode(_ reason: String) -> String {
        let code = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
        return String(code.prefix(64))
    }
}

extension AcknowledgementDelta {
    /// What a delta is counted under.
    struct Key: Hashable {
        let fleet: String
        let version: UInt64
        let outcome: Outcome
    }
}
