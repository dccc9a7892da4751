import ConsRouteKafka
import KafkaTestSupport
import Synchronization
import Testing

@Suite("Consumer on the mock cluster")
struct KafkaConsumerTests {
    @Test("batches arrive in offset order per partition and never exceed maxBatchSize")
    func batchesInOrderPerPartition() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("order")
        try cluster.createTopic(topic, partitions: 3)
        try await produceAll(records(topic: topic, count: 3000, keys: 16), to: cluster.clientConfiguration)

        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(
                cluster.clientConfiguration,
                group: uniqueName("g"),
                topic: topic,
                maxBatchSize: 64
            )
        )
        let seen = try await consume(consumer) { $0.messages.count >= 3000 }
        await consumer.shutdown()

        #expect(seen.messages.count == 3000)
        #expect(seen.batchSizes.allSatisfy { $0 >= 1 && $0 <= 64 })
        #expect(Set(seen.assigned.map(\.partition)) == [0, 1, 2])
        for partition in Int32(0)...2 {
            let offsets = seen.messages.filter { $0.partition == partition }.map(\.offset)
            #expect(!offsets.isEmpty)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) out of order or with gaps")
        }
        #expect(Set(values(seen.messages)) == Set((0..<3000).map { "value-\($0)" }))
    }

    @Test("a commit with every broker down fails after the commit timeout instead of waiting for good")
    func commitWithoutCoordinatorIsBounded() async throws {
        let (cluster, _, consumer) = try await consumerOfFreshTopic("unanswered", records: 20)
        _ = try await consume(consumer, onMessages: { try consumer.store(offsets: nextOffsets(after: $0)) }) {
            $0.messages.count >= 20
        }
        // The group's coordinator becomes unreachable (a replica losing its broker while it stops): librdkafka's
        // synchronous commit waited for it without a bound and held the controller's shutdown for good.
        cluster.setBrokersAvailable(false)
        let start = ContinuousClock.now
        await #expect(throws: KafkaError.self) { try await consumer.commit() }
        let waited = ContinuousClock.now - start
        #expect(waited < .seconds(30), "commit returned after \(waited)")
        cluster.setBrokersAvailable(true)
        await consumer.shutdown()
    }

    @Test("start offsets provided on assignment are where consumption starts, over the committed offset")
    func startOffsetsSeek() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("seek")
        let group = uniqueName("g")
        try cluster.createTopic(topic, partitions: 2)
        try await produceAll(
            records(topic: topic, count: 50, partition: 0) + records(topic: topic, count: 50, partition: 1),
            to: cluster.clientConfiguration
        )
        let committer = try KafkaConsumer(
            configuration: consumerConfiguration(cluster.clientConfiguration, group: group, topic: topic)
        )
        _ = try await consume(
            committer,
            onMessages: { _ in
                try await committer.commit(offsets: [KafkaTopicPartition(topic: topic, partition: 1): 10])
            }
        ) { !$0.messages.isEmpty }
        await committer.shutdown()

        let asked = AskedPartitions()
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(cluster.clientConfiguration, group: group, topic: topic)
        ) { partitions in
            await asked.record(partitions)
            return [KafkaTopicPartition(topic: topic, partition: 0): 42]
        }
        let seen = try await consume(consumer) { $0.messages.count >= 8 + 40 }
        await consumer.shutdown()

        #expect(await asked.partitions.sorted() == [0, 1].map { KafkaTopicPartition(topic: topic, partition: $0) })
        #expect(seen.messages.filter { $0.partition == 0 }.map(\.offset) == Array(42..<50))
        #expect(seen.messages.filter { $0.partition == 1 }.map(\.offset) == Array(10..<50))
    }

    @Test("a start-offset provider that throws stops the consumer with startOffsetsFailed")
    func failingStartOffsets() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("seek-fail")
        try cluster.createTopic(topic, partitions: 1)
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(cluster.clientConfiguration, group: uniqueName("g"), topic: topic)
        ) { _ in throw TestTimeout(what: "database") }
        await #expect(throws: KafkaError.startOffsetsFailed(reason: "timed out waiting for database")) {
            _ = try await consume(consumer) { _ in false }
        }
        await consumer.shutdown()
    }

    @Test("lag is high watermark minus position per assigned partition")
    func lagPerPartition() async throws {
        let (cluster, topic, consumer) = try await consumerOfFreshTopic("lag", records: 30)
        // Measured while the consumer is still being read: once `consume` stops reading, the consumer may already
        // be closing (its events' reader went away), and then it has no assignment to report.
        let consumed = Mutex(0)
        let measured = Mutex<[KafkaPartitionLag]>([])
        _ = try await consume(
            consumer,
            onMessages: { batch in
                let total = consumed.withLock { count in
                    count += batch.count
                    return count
                }
                if total >= 30 {
                    let lags = try await consumer.lag()
                    measured.withLock { $0 = lags }
                }
            },
            until: { $0.messages.count >= 30 }
        )
        let lags = measured.withLock { $0 }
        await consumer.shutdown()
        #expect(
            lags == [
                KafkaPartitionLag(topicPartition: .init(topic: topic, partition: 0), position: 30, highWatermark: 30)
            ]
        )
        #expect(lags.first?.lag == 0)
        withExtendedLifetime(cluster) {}
    }

    @Test("the eager range strategy assigns and delivers as well")
    func eagerStrategy() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("eager")
        try cluster.createTopic(topic, partitions: 2)
        try await produceAll(records(topic: topic, count: 40), to: cluster.clientConfiguration)
        var configuration = consumerConfiguration(cluster.clientConfiguration, group: uniqueName("g"), topic: topic)
        configuration.assignmentStrategy = "range"
        let consumer = try KafkaConsumer(configuration: configuration)
        let seen = try await consume(consumer) { $0.messages.count >= 40 }
        await consumer.shutdown()
        #expect(
            Set(seen.assigned)
                == [0, 1].map { KafkaTopicPartition(topic: topic, partition: $0) }.reduce(into: []) { $0.insert($1) }
        )
        #expect(Set(values(seen.messages)) == Set((0..<40).map { "value-\($0)" }))
    }

    @Test("an unreachable broker surfaces as error events, not a crash or a hang")
    func unreachableBrokerError() async throws {
        let closedAddress = try KafkaMockCluster().bootstrapServers
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(
                KafkaConfiguration(bootstrapServers: closedAddress),
                group: uniqueName("g"),
                topic: uniqueName("t")
            )
        )
        let seen: ConsumedEvents
        do {
            seen = try await consume(consumer, timeout: .seconds(30)) { !$0.errors.isEmpty }
        } catch {
            await consumer.shutdown()
            throw error
        }
        await consumer.shutdown()
        guard case .transient(let code, let reason) = try #require(seen.errors.first) else {
            Issue.record("expected a transient error, got \(seen.errors)")
            return
        }
        #expect(code == .transport || code == .allBrokersDown)
        #expect(!reason.isEmpty)
    }
}
