import Foundation
import KafkaTestSupport
import Testing

@testable import ConsRouteKafka

@Suite("Bounded event buffer")
struct BoundedEventBufferTests {
    @Test("empty: finishing ends the reader at once")
    func emptyFinish() async throws {
        let buffer = BoundedEventBuffer<Int>(capacity: 1)
        buffer.finish()
        #expect(try await buffer.next() == nil)
        #expect(buffer.push(1) == false)
    }

    @Test("one and two elements are delivered in order, then the writer's error")
    func drainsThenThrows() async throws {
        let buffer = BoundedEventBuffer<Int>(capacity: 2)
        #expect(buffer.push(1))
        #expect(buffer.push(2))
        buffer.finish(throwing: .shutDown(client: "test"))
        #expect(try await buffer.next() == 1)
        #expect(try await buffer.next() == 2)
        await #expect(throws: KafkaError.shutDown(client: "test")) { _ = try await buffer.next() }
        #expect(try await buffer.next() == nil)
    }

    @Test("many: a writer thread blocks at capacity and every element arrives in order")
    func manyWithBlockingWriter() async throws {
        let buffer = BoundedEventBuffer<Int>(capacity: 3)
        let writer = Thread {
            for value in 0..<1000 { _ = buffer.push(value) }
            buffer.finish()
        }
        writer.start()
        try await waitUntil("the buffer to fill") { buffer.count == 3 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(buffer.count == 3)
        var received: [Int] = []
        while let value = try await buffer.next() {
            #expect(buffer.count <= 3)
            received.append(value)
        }
        #expect(received == Array(0..<1000))
        #expect(buffer.peakCount == 3)
    }

    @Test("cancelling wakes a blocked writer, drops queued elements and ends the reader")
    func cancelWakesWriter() async throws {
        let buffer = BoundedEventBuffer<Int>(capacity: 1)
        let outcome = ResultSlot<Bool>()
        let done = DispatchSemaphore(value: 0)
        #expect(buffer.push(1))
        Thread {
            outcome.store(.success(buffer.push(2)))
            done.signal()
        }.start()
        try await Task.sleep(for: .milliseconds(100))
        buffer.cancel()
        done.wait()
        #expect(try outcome.take().get() == false)
        #expect(buffer.count == 0)
        #expect(try await buffer.next() == nil)
    }

    @Test("the writer's acknowledgement wait returns only when the reader asks for more after the event")
    func acknowledgement() async throws {
        let buffer = BoundedEventBuffer<String>(capacity: 2)
        let acknowledged = StopFlag()
        Thread {
            _ = buffer.push("batch")
            _ = buffer.push("revoked")
            buffer.waitForAcknowledgement()
            acknowledged.set()
            buffer.finish()
        }.start()
        #expect(try await buffer.next() == "batch")
        #expect(try await buffer.next() == "revoked")
        try await Task.sleep(for: .milliseconds(100))
        #expect(!acknowledged.isSet)
        #expect(try await buffer.next() == nil)
        #expect(acknowledged.isSet)
    }

    @Test("cancelling the reading task ends the sequence")
    func taskCancellation() async throws {
        let buffer = BoundedEventBuffer<Int>(capacity: 1)
        let reader = Task { try await buffer.next() }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        #expect(try await reader.value == nil)
        #expect(buffer.isCancelled)
    }
}
