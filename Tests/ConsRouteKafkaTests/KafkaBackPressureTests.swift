import ConsRouteKafka
import KafkaTestSupport
import Testing

@Suite("Consumer back-pressure")
struct KafkaBackPressureTests {
    @Test("a slow reader keeps the poll thread's buffer at maxBufferedEvents and the poll thread stops fetching")
    func slowReaderBoundsTheBuffer() async throws {
        let cluster = try KafkaMockCluster()
        let topic = uniqueName("slow")
        try cluster.createTopic(topic, partitions: 1)
        try await produceAll(records(topic: topic, count: 2000), to: cluster.clientConfiguration)
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(
                cluster.clientConfiguration,
                group: uniqueName("g"),
                topic: topic,
                maxBatchSize: 10,
                maxBufferedEvents: 2
            )
        )
        try await waitUntil("the buffer to fill") { consumer.bufferedEventCount == 2 }
        try await Task.sleep(for: .milliseconds(500))
        #expect(consumer.bufferedEventCount == 2)
        #expect(consumer.peakBufferedEventCount == 2)
        let position = try await consumer.lag().first?.position ?? 0
        #expect(position <= 30, "the poll thread kept fetching while blocked: position \(position)")

        var read = 0
        var largestBuffer = 0
        for try await event in consumer.events {
            largestBuffer = max(largestBuffer, consumer.bufferedEventCount)
            if case .messages(let batch) = event {
                read += batch.count
                if read % 200 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            if read >= 2000 { break }
        }
        await consumer.shutdown()
        #expect(read == 2000)
        #expect(largestBuffer <= 2)
        #expect(consumer.peakBufferedEventCount == 2)
    }
}
