package import ConsRouteKafka
import Testing

/// Broker-independent test scenarios, run on the mock cluster by ConsRouteKafkaTests and on Tansu by
/// IntegrationTests.
package struct KafkaScenarios: Sendable {
    /// Creates a topic with a number of partitions on the broker under test.
    package typealias TopicMaker = @Sendable (_ name: String, _ partitions: Int) async throws -> Void

    /// The broker under test.
    package let client: KafkaConfiguration
    /// How to create topics there.
    package let makeTopic: TopicMaker

    package init(client: KafkaConfiguration, makeTopic: @escaping TopicMaker) {
        self.client = client
        self.makeTopic = makeTopic
    }

    /// Keys, values, headers, empty values and tombstones survive a produce/consume round trip.
    package func roundTrip() async throws {
        let topic = uniqueName("round-trip")
        try await makeTopic(topic, 1)
        let sent = [
            KafkaProducerRecord(
                topic: topic,
                key: bytes("fleet-a"),
                value: bytes("{\"x\":1}"),
                headers: [
                    KafkaHeader(key: "content-type", string: "application/json"), KafkaHeader(key: "empty", value: nil),
                ]
            ),
            KafkaProducerRecord(topic: topic, key: nil, value: []),
            KafkaProducerRecord(topic: topic, key: bytes("gone"), value: nil),
        ]
        try await produceAll(sent, to: client)

        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(client, group: uniqueName("g"), topic: topic)
        )
        let seen = try await consume(consumer) { $0.messages.count >= 3 }
        await consumer.shutdown()

        #expect(seen.messages.map(\.offset) == [0, 1, 2])
        let first = try #require(seen.messages.first)
        #expect(first.topic == topic)
        #expect(first.partition == 0)
        #expect(first.key == bytes("fleet-a"))
        #expect(first.value == bytes("{\"x\":1}"))
        #expect(first.headers == sent[0].headers)
        #expect(first.headers.first(named: "content-type")?.stringValue == "application/json")
        #expect(first.timestampMilliseconds != nil)
        #expect(seen.messages[1].key == nil)
        #expect(seen.messages[1].value.isEmpty)
        #expect(seen.messages[2].key == bytes("gone"))
        #expect(seen.messages[2].isTombstone)
        #expect(seen.assigned == [KafkaTopicPartition(topic: topic, partition: 0)])
    }

    /// A consumer commits after offset 39 and leaves; the next one in the group starts at 40.
    package func resumeAfterCommit() async throws {
        let topic = uniqueName("resume")
        let group = uniqueName("g")
        try await makeTopic(topic, 1)
        try await produceAll(records(topic: topic, count: 100), to: client)
        let partition = KafkaTopicPartition(topic: topic, partition: 0)

        let first = try KafkaConsumer(
            configuration: consumerConfiguration(client, group: group, topic: topic, maxBatchSize: 10)
        )
        let committed = CommittedOffsets()
        _ = try await consume(
            first,
            onMessages: { batch in
                try first.store(offsets: nextOffsets(after: batch.filter { $0.offset <= 39 }))
                try await first.commit()
                if batch.contains(where: { $0.offset == 39 }) {
                    await committed.set(try await first.committedOffsets(for: [partition]))
                }
            }
        ) { $0.messages.count >= 40 }
        #expect(await committed.offsets == [partition: 40])
        await first.shutdown()

        let second = try KafkaConsumer(configuration: consumerConfiguration(client, group: group, topic: topic))
        let secondSeen = try await consume(second) { $0.messages.count >= 60 }
        await second.shutdown()
        #expect(secondSeen.messages.map(\.offset) == Array(40..<100))
    }

    /// A alone, then A and B split the partitions, then B leaves and A takes them back. Each reader commits every
    /// batch before asking for more, so every message is processed exactly once across both.
    package func splitAndTakeOver(partitions: Int = 4) async throws {
        let topic = uniqueName("rebalance")
        let group = uniqueName("g")
        try await makeTopic(topic, partitions)
        let all = Set((0..<partitions).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        let client = client
        func produce(_ range: Range<Int>) async throws {
            let batch = range.map { index in
                KafkaProducerRecord(
                    topic: topic,
                    partition: Int32(index % partitions),
                    key: bytes("key-\(index)"),
                    value: bytes("value-\(index)")
                )
            }
            try await produceAll(batch, to: client)
        }
        func reader() throws -> CommittingReader {
            CommittingReader(
                try KafkaConsumer(configuration: consumerConfiguration(client, group: group, topic: topic))
            )
        }

        try await produce(0..<200)
        let readerA = try reader()
        try await waitUntil("A reads phase 1") { await readerA.seen().messages.count >= 200 }
        #expect(await readerA.seen().owned == all)

        let readerB = try reader()
        try await waitUntil("B gets a share") { await !readerB.seen().owned.isEmpty }
        try await waitUntil("A gives it up") {
            await readerA.seen().owned.count + readerB.seen().owned.count == all.count
        }
        let ownedA = await readerA.seen().owned
        let ownedB = await readerB.seen().owned
        #expect(ownedA.isDisjoint(with: ownedB))
        #expect(ownedA.union(ownedB) == all)

        try await produce(200..<400)
        try await waitUntil("phase 2 read") {
            await readerA.seen().messages.count + readerB.seen().messages.count >= 400
        }
        let readByB = await readerB.seen().messages
        #expect(!readByB.isEmpty)
        #expect(Set(readByB.map(\.topicPartition)).isSubset(of: ownedB))

        try await readerB.stop()
        try await waitUntil("A takes everything back") { await readerA.seen().owned == all }
        try await produce(400..<500)
        try await waitUntil("phase 3 read") {
            await readerA.seen().messages.count + readerB.seen().messages.count >= 500
        }
        try await Task.sleep(for: .milliseconds(300))
        let everything = await readerA.seen().messages + readerB.seen().messages
        try await readerA.stop()

        #expect(everything.count == 500, "a message was lost or processed twice")
        #expect(Set(values(everything)) == Set((0..<500).map { "value-\($0)" }))
    }
}

/// Offsets read inside a consumer loop, for checking after it.
package actor CommittedOffsets {
    package var offsets: [KafkaTopicPartition: Int64] = [:]

    package init() {}

    package func set(_ offsets: [KafkaTopicPartition: Int64]) {
        self.offsets = offsets
    }
}
