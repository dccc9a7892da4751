import ConsRouteController
import ConsRouteKafka
import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
import Foundation
import KafkaTestSupport
import Logging
import Testing

/// Two replicas publishing one fleet's tables through Kafka transactions on a real broker (docs/design.md §9):
/// the later claim fences the earlier replica, whose next table never reaches the topic, the history or the API.
@Suite("Table fencing on Tansu", .serialized)
struct TableFencingOnTansuTests {
    private struct Replica {
        let store: HistoryStore
        let cache: TableCache
        let ownership: FleetOwnership
        let publisher: TablePublisher

        init(_ id: String, kafka: KafkaConfiguration, topic: String, key: TableSigningKey, prefix: String) throws {
            store = try HistoryStore.inMemory()
            cache = TableCache()
            ownership = FleetOwnership(replicaID: id, fleets: ["f1"], logger: Logger(label: id))
            publisher = TablePublisher(
                store: store,
                key: key,
                cache: cache,
                producer: nil,
                topic: topic,
                metrics: nil,
                fencing: TablePublisher.Fencing(
                    kafka: kafka,
                    transactionalIDPrefix: prefix,
                    trustedKeys: [key.verifyingKey],
                    ownership: ownership,
                    timeout: .seconds(20)
                ),
                logger: Logger(label: id)
            )
        }
    }

    private func table(seed: UInt64) -> ThresholdTable {
        var generator = SeededGenerator(seed: seed)
        return ThresholdTable.example(fleet: "f1", dimension: 8, clusterCount: 3, createdAtMs: 1_000, using: &generator)
    }

    @Test("a replica whose producer was fenced publishes nothing; versions on the topic stay unique and increasing")
    func zombieIsFenced() async throws {
        let kafka = try testBroker()
        let topic = uniqueName("tables")
        let admin = try KafkaAdminClient(configuration: kafka)
        try await admin.createTopic(
            KafkaTopicSpecification(name: topic, partitions: 1, replicationFactor: 1),
            timeout: .seconds(20)
        )
        let key = TableSigningKey()
        let prefix = uniqueName("group") + ".tables"
        let a = try Replica("replica-a", kafka: kafka, topic: topic, key: key, prefix: prefix)
        let b = try Replica("replica-b", kafka: kafka, topic: topic, key: key, prefix: prefix)

        // A owns the fleet first and publishes v1 and v2.
        #expect(try await a.publisher.publish(table(seed: 1), trigger: .bootstrap).table.version == 1)
        #expect(try await a.publisher.publish(table(seed: 2), trigger: .schedule).table.version == 2)

        // B takes the fleet over (A paused, say): its claim fences A and reads the topic to its end, so B's first
        // table is v3 although B's own history is empty, and B adopted v2.
        let fromB = try await b.publisher.publish(table(seed: 3), trigger: .schedule)
        #expect(fromB.table.version == 3)
        #expect(try await b.store.table(fleet: "f1", version: 2) != nil)

        // A resumes and tries to publish: refused by the broker; nothing reaches A's history or cache.
        await #expect(throws: TablePublicationError.deposed(fleet: "f1")) {
            try await a.publisher.publish(table(seed: 4), trigger: .schedule)
        }
        #expect(await a.cache.tables(fleet: "f1").latestVersion == 2)
        #expect(try await a.store.highestTableVersion(fleet: "f1") == 2)
        #expect(!a.ownership.owns("f1"))
        // Deposed, A does not claim again during this claim (it would fence B back).
        await #expect(throws: TablePublicationError.self) {
            try await a.publisher.publish(table(seed: 5), trigger: .schedule)
        }
        // B goes on.
        #expect(try await b.publisher.publish(table(seed: 6), trigger: .schedule).table.version == 4)

        // What a reader of the topic sees: v1, v2 (A), v3, v4 (B), in that order, each once.
        let reader = TablesTopicReader(kafka: kafka, topic: topic, trustedKeys: [key.verifyingKey])
        #expect(try await reader.latestTables(timeout: .seconds(20))["f1"]?.table.version == 4)
        let messages = try await readAll(topic: topic, client: kafka, expected: 4, timeout: .seconds(20))
        let versions = try messages.map { try SignedTable(envelope: $0.value).table.version }
        #expect(versions == [1, 2, 3, 4])
        #expect(
            messages.map { $0.headers.first(named: TablePublisher.replicaHeader)?.stringValue } == [
                "replica-a", "replica-a", "replica-b", "replica-b",
            ]
        )

        // A is assigned the fleet's partition anew (a later rebalance): a new claim fences B and continues at v5.
        a.ownership.observed(fleet: "f1", partition: 0)
        a.ownership.assigned([0])
        #expect(a.ownership.owns("f1"))
        #expect(try await a.publisher.publish(table(seed: 7), trigger: .schedule).table.version == 5)
        await a.publisher.shutdown()
        await b.publisher.shutdown()
    }
}
