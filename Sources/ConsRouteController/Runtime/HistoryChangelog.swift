import ConsRouteKafka
import ConsRouteStore
import Foundation
import Logging

/// The history topic between replicas (docs/design.md §9): the drift events, re-cluster and optimiser runs, tuning
/// decisions and rollout steps that a fleet's owner records reach every replica's history, so `consroute history`
/// shows the whole history of every fleet on any replica, whichever replica owned the fleet when it happened.
///
/// The owner's history writes each record to its outbox in the transaction that records it
/// (`HistoryStore(sharesChanges: true)`); `forward` produces the outbox to the topic, keyed by fleet, and removes
/// what was delivered, so a record survives a crash between recording and sending (it is sent after the restart).
/// `follow` reads the topic from its beginning and applies every record with `HistoryStore.apply`, which skips
/// a record already stored: the owner reading its own records back, a record sent twice after a crash between
/// delivery and removal, or the topic read again after a restart all change nothing.
struct HistoryChangelog: Sendable {
    let kafka: KafkaConfiguration
    let topic: String
    let store: HistoryStore
    let producer: KafkaProducer
    let replicaID: String
    let logger: Logger
    /// How long an empty outbox is waited on before it is looked at again anyway (the store rings when a record
    /// is written to it, so this only bounds what a missed ring could delay).
    var idleRecheck: Duration = .seconds(5)

    /// Produces the outbox to the topic until cancelled: at once when the history writes to it, not by polling.
    /// - Throws: Kafka and history errors (the caller restarts it; undelivered records stay in the outbox).
    func forward() async throws {
        while !Task.isCancelled {
            if try await flush() == 0 { await store.waitForOutbox(atMost: idleRecheck) }
        }
        // Stopping: what the last ticks recorded goes out now if the broker takes it (else after the restart).
        _ = try? await flush()
    }

    /// Produces every pending record and removes the delivered ones from the outbox.
    /// - Returns: how many were sent.
    @discardableResult
    func flush() async throws -> Int {
        let pending = try await store.pendingChanges(limit: 200)
        guard let last = pending.last else { return 0 }
        let report = try await producer.send(
            contentsOf: pending.map { change in
                KafkaProducerRecord(
                    topic: topic,
                    key: Array(change.fleet.utf8),
                    value: change.encoded,
                    headers: [KafkaHeader(key: TablePublisher.replicaHeader, string: replicaID)]
                )
            }
        )
        guard report.allDelivered else {
            // Keep the whole batch in the outbox: the records that did arrive are sent again, which readers skip.
            throw OutboxDeliveryFailed(
                what: "history records",
                topic: topic,
                failed: report.failures.count,
                firstError: report.failures.first.map { "\($0.error)" } ?? "unknown"
            )
        }
        try await store.removeChanges(throughSequence: last.sequence)
        return pending.count
    }

    /// Applies every record of the topic, from its beginning, to this replica's history until cancelled.
    /// - Throws: Kafka errors (the caller restarts it).
    func follow() async throws {
        try await TopicFollower(kafka: kafka, topic: topic, groupPrefix: "consroute-history-follower").run { message in
            do {
                try await store.apply(HistoryChange(decoding: message.value))
            } catch let error as HistoryStoreError {
                if case .databaseFailure = error { throw error }
                logger.warning(
                    "a record on the history topic was not applied; skipped",
                    metadata: [
                        "partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(error)",
                    ]
                )
            }
        }
    }
}
