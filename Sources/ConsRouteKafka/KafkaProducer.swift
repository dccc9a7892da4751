import Dispatch

/// An idempotent producer whose deliveries are awaited as async results.
///
/// A dedicated poll thread serves delivery reports. `send(_:)` awaits one message's report;
/// `send(contentsOf:)` enqueues many and awaits them all, which is the high-throughput path. When the client's
/// queue is full (`maxQueuedMessages`), senders wait for deliveries to free room instead of failing.
public final class KafkaProducer: Sendable {
    /// The configuration the producer was made with.
    public let configuration: KafkaProducerConfiguration

    private let client: RDKafkaClient
    private let admission = ProducerAdmission()
    private let stopRequested = StopFlag()
    private let exited = CompletionSignal()
    private let blockingQueue = DispatchQueue(label: "consroute.kafka.producer.blocking")

    /// Creates the producer and starts its poll thread.
    ///
    /// - Parameter configuration: Producer and client settings.
    /// - Throws: `KafkaError.invalidConfiguration` naming the key, or `.clientCreationFailed`.
    public init(configuration: KafkaProducerConfiguration) throws {
        self.configuration = configuration
        self.client = try RDKafkaProducerLoop.makeClient(properties: try configuration.properties())
        RDKafkaProducerLoop.start(client: client, admission: admission, stopRequested: stopRequested, exited: exited)
    }

    deinit {
        stopRequested.set()
    }

    /// Sends one message and waits until the broker acknowledged it.
    ///
    /// Cancelling the calling task does not recall the message: once enqueued it is delivered or fails within
    /// `deliveryTimeout`, and this call returns then.
    ///
    /// - Parameter record: The message.
    /// - Returns: Where it was stored.
    /// - Throws: `KafkaError.produceFailed` (not enqueued, e.g. too large), `.deliveryFailed` (rejected or timed
    ///   out), or `.shutDown`.
    public func send(_ record: KafkaProducerRecord) async throws -> KafkaDeliveryReport {
        let tracker = RDKafkaDeliveryTracker(keepsReports: true)
        let outcome = try await enqueue(CollectionOfOne(record), tracker: tracker)
        if let failure = outcome.failures.first { throw failure.error }
        guard let report = tracker.lastReport else {
            throw KafkaError.deliveryFailed(topic: record.topic, partition: -1, code: .noError, reason: "no report")
        }
        return report
    }

    /// Enqueues every record and waits until all were delivered or failed.
    ///
    /// - Parameter records: The messages, enqueued in order (order is kept per partition).
    /// - Returns: The delivered count and every failure.
    /// - Throws: `KafkaError.shutDown` if the producer closed while records were still being enqueued.
    /// - Complexity: O(n) enqueues; waits only when the client's queue is full.
    public func send(contentsOf records: some Sequence<KafkaProducerRecord>) async throws -> KafkaBatchDeliveryReport {
        try await enqueue(records, tracker: RDKafkaDeliveryTracker(keepsReports: false))
    }

    /// Waits until every message enqueued so far was delivered or failed.
    ///
    /// - Parameter timeout: How long to wait.
    /// - Throws: `KafkaError.produceFailed` with `.timedOut` if messages are still outstanding.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let client = client
        try await ThreadBridge.run(on: blockingQueue) { try client.flush(timeout: timeout) }
    }

    /// Registers the producer's `transactional.id` with the broker's transaction coordinator: any older producer
    /// with the same id is fenced from then on, and a transaction it left open is completed or aborted first, so
    /// a reader with `read_committed` sees everything it will ever see of the older producer. Call once, before
    /// `sendInTransaction`.
    ///
    /// - Parameter timeout: How long to wait for the coordinator.
    /// - Throws: `KafkaError.transactionFailed` (`isFenced` when a newer producer already took the id).
    public func initTransactions(timeout: Duration = .seconds(30)) async throws {
        let client = client
        try await ThreadBridge.run(on: blockingQueue) {
            do throws(RDKafkaClient.TransactionFailure) {
                try client.initTransactions(timeout: timeout)
            } catch {
                throw error.error
            }
        }
    }

    /// Writes `records` in one transaction: all of them become visible to `read_committed` readers, or none.
    ///
    /// - Parameters:
    ///   - records: The messages.
    ///   - timeout: How long the commit may wait.
    /// - Throws: `KafkaError.transactionFailed` (`isFenced`: a newer producer with the same `transactional.id`
    ///   exists, nothing was written and this producer can write nothing more), or the first delivery failure
    ///   (the transaction was aborted).
    public func sendInTransaction(_ records: [KafkaProducerRecord], timeout: Duration = .seconds(30)) async throws {
        let client = client
        let queue = blockingQueue
        try await ThreadBridge.run(on: queue) {
            do throws(RDKafkaClient.TransactionFailure) { try client.beginTransaction() } catch { throw error.error }
        }
        let report: KafkaBatchDeliveryReport
        do {
            report = try await send(contentsOf: records)
        } catch {
            try? await ThreadBridge.run(on: queue) { try? client.abortTransaction(timeout: timeout) }
            throw error
        }
        if let failure = report.failures.first {
            // A fenced producer's deliveries fail too: abort (which fails the same way) and report the fencing.
            do {
                try await ThreadBridge.run(on: queue) {
                    do throws(RDKafkaClient.TransactionFailure) {
                        try client.abortTransaction(timeout: timeout)
                    } catch {
                        throw error.error
                    }
                }
            } catch let error as KafkaError where error.isFenced {
                throw error
            } catch {}
            throw failure.error
        }
        try await ThreadBridge.run(on: queue) {
            let deadline = ContinuousClock.now + timeout
            while true {
                do throws(RDKafkaClient.TransactionFailure) {
                    try client.commitTransaction(timeout: timeout)
                    return
                } catch .retriable(let error) {
                    if ContinuousClock.now >= deadline { throw error }
                } catch .abortable(let error) {
                    try? client.abortTransaction(timeout: timeout)
                    throw error
                } catch .fatal(let error) {
                    throw error
                }
            }
        }
    }

    /// The id of the Kafka cluster the producer is connected to: offsets are positions in that cluster's log only.
    ///
    /// - Parameter timeout: How long to wait for the broker's first metadata.
    /// - Returns: The id, or nil when the broker reported none in time (unreachable, or older than Kafka 0.10).
    public func clusterID(timeout: Duration = .seconds(10)) async throws -> String? {
        let client = client
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await ThreadBridge.run(on: blockingQueue) { client.clusterID(timeoutMs: milliseconds) }
    }

    /// Flushes for up to `flushTimeout`, then stops: undelivered messages fail with `.purged` and later sends
    /// throw `KafkaError.shutDown`. Returns when the poll thread has ended.
    ///
    /// - Parameter flushTimeout: How long to wait for outstanding deliveries first.
    public func shutdown(flushTimeout: Duration = .seconds(30)) async {
        try? await flush(timeout: flushTimeout)
        stopRequested.set()
        await exited.wait()
    }

    private func enqueue(
        _ records: some Sequence<KafkaProducerRecord>,
        tracker: RDKafkaDeliveryTracker
    ) async throws -> KafkaBatchDeliveryReport {
        guard admission.enter() else { throw KafkaError.shutDown(client: "producer") }
        var count = 0
        var closed = false
        for record in records {
            if closed { break }
            count += 1
            while true {
                let generation = admission.generation
                let opaque = tracker.retainedOpaque()
                let code = client.produce(record, opaque: opaque)
                if code == .noError { break }
                RDKafkaDeliveryTracker.releaseUnused(opaque)
                if code != .queueFull {
                    tracker.recordRejected(
                        record,
                        error: .produceFailed(topic: record.topic, code: code, reason: code.message)
                    )
                    break
                }
                if await !admission.waitForRoom(after: generation) {
                    tracker.recordRejected(record, error: .shutDown(client: "producer"))
                    closed = true
                    break
                }
            }
        }
        admission.leave()
        let report = await tracker.waitForAll(expected: count)
        if closed { throw KafkaError.shutDown(client: "producer") }
        return report
    }
}
