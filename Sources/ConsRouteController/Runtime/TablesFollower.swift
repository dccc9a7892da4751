import ConsRouteKafka
import ConsRouteModel
import Foundation
import Logging

/// Follows the tables topic for as long as the controller runs (docs/design.md §9): every replica serves every
/// fleet's newest table, whichever replica published it, so devices may sit behind any load balancer.
///
/// Each run reads the topic from its beginning (`TopicFollower`) and hands every table whose signature verifies to
/// `onTable`, which keeps the newer ones. Readers see committed transactions only, so a table a fenced replica
/// tried to write never reaches them.
struct TablesFollower: Sendable {
    let kafka: KafkaConfiguration
    let topic: String
    let trustedKeys: [TableVerifyingKey]
    let logger: Logger

    /// Consumes until cancelled.
    ///
    /// - Parameter onTable: called, in topic order, with each verified table and the replica that published it.
    /// - Throws: Kafka errors (the caller restarts the follower).
    func run(onTable: @escaping @Sendable (_ table: SignedTable, _ publisher: String?) async -> Void) async throws {
        try await TopicFollower(kafka: kafka, topic: topic, groupPrefix: "consroute-tables-follower").run { message in
            guard let signed = TablesTopicReader.verifiedTable(message.value, trusting: trustedKeys) else {
                logger.warning(
                    "a record on the tables topic is not a table signed with the controller's key; skipped",
                    metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)"]
                )
                return
            }
            await onTable(signed, message.headers.first(named: TablePublisher.replicaHeader)?.stringValue)
        }
    }
}
