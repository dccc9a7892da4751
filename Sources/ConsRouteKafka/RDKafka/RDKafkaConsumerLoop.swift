import CRdKafka
import Foundation

/// The consumer's poll thread: polls librdkafka, copies messages into batches, handles rebalances, and pushes
/// everything in order into the event buffer. All of its state lives on that one thread.
final class RDKafkaConsumerLoop {
    private let buffer: BoundedEventBuffer<KafkaConsumerEvent>
    private let startOffsets: KafkaConsumer.StartOffsetProvider?
    private let maxBatchSize: Int
    private var pending: [KafkaMessage] = []
    private var copier = RDKafkaMessageCopier()
    private var stopRequested = false
    private var stopError: KafkaError?

    private init(
        buffer: BoundedEventBuffer<KafkaConsumerEvent>,
        startOffsets: KafkaConsumer.StartOffsetProvider?,
        maxBatchSize: Int
    ) {
        self.buffer = buffer
        self.startOffsets = startOffsets
        self.maxBatchSize = maxBatchSize
        pending.reserveCapacity(maxBatchSize)
    }

    /// Starts the poll thread, which creates and subscribes the consumer, then polls until the buffer is
    /// cancelled or a fatal error; it closes the consumer (leaving the group) before it ends.
    ///
    /// - Parameters:
    ///   - properties: librdkafka properties of the consumer.
    ///   - topics: The topics to subscribe to.
    ///   - buffer: Where events go.
    ///   - startOffsets: The application's start-offset provider.
    ///   - maxBatchSize: The most messages per event.
    ///   - exited: Fired when the thread has closed the consumer.
    /// - Returns: The consumer handle, for commits and lag from other threads.
    /// - Throws: `KafkaError` when the configuration, the client or the subscription fails.
    static func start(
        properties: [String: String],
        topics: [String],
        buffer: BoundedEventBuffer<KafkaConsumerEvent>,
        startOffsets: KafkaConsumer.StartOffsetProvider?,
        maxBatchSize: Int,
        exited: CompletionSignal
    ) throws -> RDKafkaClient {
        let handshake = ResultSlot<RDKafkaClient>()
        let created = DispatchSemaphore(value: 0)
        let thread = Thread {
            let loop = RDKafkaConsumerLoop(buffer: buffer, startOffsets: startOffsets, maxBatchSize: maxBatchSize)
            let client: RDKafkaClient
            do {
                client = try loop.makeClient(properties: properties, topics: topics)
            } catch {
                handshake.store(.failure(error))
                created.signal()
                exited.fire()
                return
            }
            handshake.store(.success(client))
            created.signal()
            loop.run(client)
            exited.fire()
        }
        thread.name = "consroute-kafka-consumer"
        thread.start()
        created.wait()
        return try handshake.take().get()
    }

    private func makeClient(properties: [String: String], topics: [String]) throws -> RDKafkaClient {
        var configuration = try RDKafkaConfig(properties: properties)
        let opaque = Unmanaged.passRetained(self)
        configuration.setOpaque(opaque.toOpaque())
        configuration.withPointer { pointer in
            rd_kafka_conf_set_rebalance_cb(pointer, rebalanceCallback)
            rd_kafka_conf_set_error_cb(pointer, errorCallback)
        }
        let opaqueAddress = UInt(bitPattern: opaque.toOpaque())
        let client: RDKafkaClient
        do {
            client = try RDKafkaClient(kind: .consumer, configuration: configuration) {
                guard let pointer = UnsafeMutableRawPointer(bitPattern: opaqueAddress) else { return }
                Unmanaged<RDKafkaConsumerLoop>.fromOpaque(pointer).release()
            }
        } catch {
            opaque.release()
            throw error
        }
        rd_kafka_poll_set_consumer(client.pointer)
        let subscription = RDKafkaTopicPartitionList(subscribing: topics)
        let code = rd_kafka_subscribe(client.pointer, subscription.pointer)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.consumerFailed(
                operation: "subscribe to \(topics)",
                code: KafkaErrorCode(code),
                reason: KafkaErrorCode(code).message
            )
        }
        return client
    }

    /// Takes messages from the consumer queue in batches: one queue lock and one clock read per call instead of
    /// per message (`rd_kafka_consumer_poll` costs both for every message). The call also serves the rebalance
    /// and error callbacks, like the poll it replaces. The first message of a batch is awaited for up to 100 ms;
    /// the rest is whatever is already fetched, so a batch never waits to fill up.
    private func run(_ client: RDKafkaClient) {
        let queue = rd_kafka_queue_get_consumer(client.pointer)
        var slots = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: maxBatchSize)
        while !stopRequested {
            let waiting = pending.isEmpty
            let count = slots.withUnsafeMutableBufferPointer { slots in
                rd_kafka_consume_batch_queue(
                    queue,
                    waiting ? 100 : 0,
                    slots.baseAddress,
                    waiting ? 1 : maxBatchSize - pending.count
                )
            }
            if count <= 0 {
                if !pending.isEmpty {
                    flush()
                } else if buffer.isCancelled {
                    stopRequested = true
                }
                continue
            }
            for index in 0..<count {
                guard let message = slots[index] else { continue }
                handle(message, client: client)
                rd_kafka_message_destroy(message)
            }
        }
        flush()
        rd_kafka_queue_destroy(queue)
        rd_kafka_consumer_close(client.pointer)
        buffer.finish(throwing: stopError)
    }

    private func handle(_ message: UnsafeMutablePointer<rd_kafka_message_t>, client: RDKafkaClient) {
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            pending.append(copier.copy(message))
            if pending.count >= maxBatchSize { flush() }
            return
        }
        flush()
        if error == RD_KAFKA_RESP_ERR__FATAL {
            stopError = client.currentFatalError() ?? .fatal(code: KafkaErrorCode(error), reason: "unknown")
            stopRequested = true
        } else if error != RD_KAFKA_RESP_ERR__PARTITION_EOF {
            let reason = String(cString: rd_kafka_message_errstr(message))
            deliver(.error(.transient(code: KafkaErrorCode(error), reason: reason)))
        }
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        var batch: [KafkaMessage] = []
        batch.reserveCapacity(maxBatchSize)
        swap(&batch, &pending)
        deliver(.messages(batch))
    }

    private func deliver(_ event: KafkaConsumerEvent) {
        if !buffer.push(event) { stopRequested = true }
    }

    /// A client-level error (all brokers down, authentication, fatal), served by `rd_kafka_consumer_poll` on
    /// this thread because the main queue is forwarded to the consumer queue.
    fileprivate func clientError(_ handle: OpaquePointer, _ code: rd_kafka_resp_err_t, _ reason: String) {
        flush()
        if code == RD_KAFKA_RESP_ERR__FATAL {
            var text = [CChar](repeating: 0, count: 512)
            let fatal = rd_kafka_fatal_error(handle, &text, text.count)
            stopError = .fatal(code: KafkaErrorCode(fatal), reason: String(cStringBuffer: text))
            stopRequested = true
        } else {
            deliver(.error(.transient(code: KafkaErrorCode(code), reason: reason)))
        }
    }

    fileprivate func rebalance(
        _ handle: OpaquePointer,
        _ reason: rd_kafka_resp_err_t,
        _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        flush()
        let partitions = RDKafkaTopicPartitionList.entries(of: list).map(\.topicPartition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        switch reason {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let offsetsFound = applyStartOffsets(to: list, partitions: partitions)
            if cooperative {
                report(rd_kafka_incremental_assign(handle, list))
            } else {
                report(rd_kafka_assign(handle, list))
            }
            if offsetsFound { deliver(.assigned(partitions)) }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if !stopRequested, buffer.push(.revoked(partitions)) { buffer.waitForAcknowledgement() }
            if cooperative {
                report(rd_kafka_incremental_unassign(handle, list))
            } else {
                report(rd_kafka_assign(handle, nil))
            }
        default:
            deliver(
                .error(
                    .consumerFailed(
                        operation: "rebalance",
                        code: KafkaErrorCode(reason),
                        reason: KafkaErrorCode(reason).message
                    )
                )
            )
            report(rd_kafka_assign(handle, nil))
        }
    }

    /// Asks the application for start offsets and writes them into `list`; on failure stops the consumer.
    private func applyStartOffsets(
        to list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        partitions: [KafkaTopicPartition]
    ) -> Bool {
        guard let startOffsets, !partitions.isEmpty else { return true }
        let offsets: [KafkaTopicPartition: Int64]
        do {
            offsets = try ThreadBridge.wait { try await startOffsets(partitions) }
        } catch {
            stopError = .startOffsetsFailed(reason: String(describing: error))
            stopRequested = true
            return false
        }
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let key = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
            if let offset = offsets[key] { list.pointee.elems[index].offset = offset }
        }
        return true
    }

    private func report(_ error: OpaquePointer?) {
        guard let error else { return }
        let code = KafkaErrorCode(rd_kafka_error_code(error))
        let reason = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        deliver(.error(.consumerFailed(operation: "partition assignment", code: code, reason: reason)))
    }

    private func report(_ code: rd_kafka_resp_err_t) {
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        let error = KafkaErrorCode(code)
        deliver(.error(.consumerFailed(operation: "partition assignment", code: error, reason: error.message)))
    }
}

private let rebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { handle, reason, list, opaque in
        guard let handle, let list, let opaque else { return }
        Unmanaged<RDKafkaConsumerLoop>.fromOpaque(opaque).takeUnretainedValue().rebalance(handle, reason, list)
    }

private let errorCallback:
    @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        handle,
        code,
        reason,
        opaque in
        guard let handle, let opaque else { return }
        Unmanaged<RDKafkaConsumerLoop>.fromOpaque(opaque).takeUnretainedValue()
            .clientError(handle, rd_kafka_resp_err_t(rawValue: code), reason.map { String(cString: $0) } ?? "")
    }
