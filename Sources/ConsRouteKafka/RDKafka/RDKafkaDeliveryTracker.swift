import CRdKafka
import Synchronization

/// Collects the delivery reports of one `send` call (one message or a batch) and resumes the sender when the
/// last one arrived. Each enqueued message holds a +1 reference as its librdkafka opaque.
final class RDKafkaDeliveryTracker: Sendable {
    private struct State: ~Copyable {
        var completed = 0
        var expected: Int?
        var delivered = 0
        var failures: [KafkaBatchDeliveryReport.Failure] = []
        var lastReport: KafkaDeliveryReport?
        var waiter: CheckedContinuation<Void, Never>?

        /// Counts one message as done; returns the waiter to resume if it was the last.
        mutating func finishOne() -> CheckedContinuation<Void, Never>? {
            completed += 1
            guard let expected, completed >= expected, let waiter else { return nil }
            self.waiter = nil
            return waiter
        }
    }

    private let state = Mutex(State())
    /// Whether to build a `KafkaDeliveryReport` for successes (single sends) or only count them (batches).
    private let keepsReports: Bool

    init(keepsReports: Bool) {
        self.keepsReports = keepsReports
    }

    /// The opaque to pass with one message; balanced by `complete(with:opaque:)`.
    func retainedOpaque() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Gives back an opaque whose message was never enqueued.
    static func releaseUnused(_ opaque: UnsafeMutableRawPointer) {
        Unmanaged<RDKafkaDeliveryTracker>.fromOpaque(opaque).release()
    }

    /// Records a message that could not be enqueued at all.
    func recordRejected(_ record: KafkaProducerRecord, error: KafkaError) {
        let waiter = state.withLock { state in
            state.failures.append(.init(topic: record.topic, key: record.key, error: error))
            return state.finishOne()
        }
        waiter?.resume()
    }

    /// Records one delivery report (called on the thread serving `rd_kafka_poll`).
    fileprivate func record(_ message: UnsafePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        let error = raw.err
        var failure: KafkaBatchDeliveryReport.Failure?
        var report: KafkaDeliveryReport?
        if error != RD_KAFKA_RESP_ERR_NO_ERROR || keepsReports {
            let topic = raw.rkt.flatMap { rd_kafka_topic_name($0) }.map { String(cString: $0) } ?? ""
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                let key = raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) }
                let code = KafkaErrorCode(error)
                failure = .init(
                    topic: topic,
                    key: key,
                    error: .deliveryFailed(topic: topic, partition: raw.partition, code: code, reason: code.message)
                )
            } else {
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                report = KafkaDeliveryReport(
                    topic: topic,
                    partition: raw.partition,
                    offset: raw.offset,
                    timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
                )
            }
        }
        let waiter = state.withLock { state in
            if let failure { state.failures.append(failure) } else { state.delivered += 1 }
            if let report { state.lastReport = report }
            return state.finishOne()
        }
        waiter?.resume()
    }

    /// Waits until `expected` messages have been reported (delivered, failed or rejected).
    ///
    /// - Parameter expected: How many messages this tracker was given.
    func waitForAll(expected: Int) async -> KafkaBatchDeliveryReport {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                state.expected = expected
                if state.completed >= expected { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { KafkaBatchDeliveryReport(deliveredCount: $0.delivered, failures: $0.failures) }
    }

    /// The report of the (single) delivered message, if it was delivered.
    var lastReport: KafkaDeliveryReport? { state.withLock { $0.lastReport } }
}

/// librdkafka's `dr_msg_cb`: hands each report to the tracker that sent the message.
let deliveryReportCallback:
    @convention(c) (
        OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?
    ) -> Void = { _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        Unmanaged<RDKafkaDeliveryTracker>.fromOpaque(opaque).takeRetainedValue().record(message)
    }
