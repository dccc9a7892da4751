import CRdKafka

/// Producer calls on a producer handle.
extension RDKafkaClient {
    /// Enqueues one message, copying its bytes; never blocks.
    ///
    /// - Parameters:
    ///   - record: The message.
    ///   - opaque: Passed back with the delivery report.
    /// - Returns: `.noError`, `.queueFull` (retry after deliveries), or another error.
    func produce(_ record: KafkaProducerRecord, opaque: UnsafeMutableRawPointer) -> KafkaErrorCode {
        let headers = Self.makeHeaders(record.headers)
        let code = withOptionalBytes(record.key) { key, keyLength in
            withOptionalBytes(record.value) { value, valueLength in
                consroute_produce(
                    pointer,
                    record.topic,
                    record.partition ?? RD_KAFKA_PARTITION_UA,
                    key,
                    keyLength,
                    value,
                    valueLength,
                    headers,
                    0,
                    opaque
                )
            }
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
            rd_kafka_headers_destroy(headers)
        }
        return KafkaErrorCode(code)
    }

    /// Serves queued callbacks (delivery reports) for up to `timeout`; returns how many were served.
    func poll(timeout milliseconds: Int32) -> Int32 {
        rd_kafka_poll(pointer, milliseconds)
    }

    /// Waits until every enqueued message is delivered or failed, or `timeout` passed.
    ///
    /// - Throws: `KafkaError.produceFailed` with `.timedOut` when messages are still outstanding.
    func flush(timeout: Duration) throws(KafkaError) {
        let code = rd_kafka_flush(pointer, Int32(clamping: timeout.wholeMilliseconds))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .produceFailed(
                topic: "*",
                code: KafkaErrorCode(code),
                reason: "\(rd_kafka_outq_len(pointer)) messages or requests still outstanding after \(timeout)"
            )
        }
    }

    /// Fails every queued and in-flight message with `.purged` (their reports are served by the next polls).
    func purgeOutstanding() {
        _ = rd_kafka_purge(pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }

    /// Messages and requests not yet finished.
    var outstandingCount: Int32 {
        rd_kafka_outq_len(pointer)
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)
        for header in headers {
            _ = withOptionalBytes(header.value) { value, length in
                rd_kafka_header_add(list, header.key, -1, value, length)
            }
        }
        return list
    }
}

/// Calls `body` with a pointer and length for `bytes`; NULL only when `bytes` is `nil`, because librdkafka
/// treats a NULL pointer as "no value" (a tombstone) and an empty array's storage may have no address.
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    guard !bytes.isEmpty else { return [UInt8(0)].withUnsafeBytes { body($0.baseAddress, 0) } }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

/// Transaction calls on a transactional producer handle (`transactional.id` set). Each blocks its caller.
extension RDKafkaClient {
    /// What a transaction call's error asks of the caller.
    enum TransactionFailure: Error {
        /// Abort the transaction, then the producer may try again.
        case abortable(KafkaError)
        /// The producer can do nothing more (fenced, or a fatal error).
        case fatal(KafkaError)
        /// The call may be repeated as it is (e.g. a timeout).
        case retriable(KafkaError)

        var error: KafkaError {
            switch self {
            case .abortable(let error), .fatal(let error), .retriable(let error): error
            }
        }
    }

    func initTransactions(timeout: Duration) throws(TransactionFailure) {
        try check("init", rd_kafka_init_transactions(pointer, Int32(clamping: timeout.wholeMilliseconds)))
    }

    func beginTransaction() throws(TransactionFailure) {
        try check("begin", rd_kafka_begin_transaction(pointer))
    }

    func commitTransaction(timeout: Duration) throws(TransactionFailure) {
        try check("commit", rd_kafka_commit_transaction(pointer, Int32(clamping: timeout.wholeMilliseconds)))
    }

    func abortTransaction(timeout: Duration) throws(TransactionFailure) {
        try check("abort", rd_kafka_abort_transaction(pointer, Int32(clamping: timeout.wholeMilliseconds)))
    }

    private func check(_ operation: String, _ error: OpaquePointer?) throws(TransactionFailure) {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        let raw = rd_kafka_error_code(error)
        let code = KafkaErrorCode(raw)
        let fenced =
            raw == RD_KAFKA_RESP_ERR__FENCED || raw == RD_KAFKA_RESP_ERR_PRODUCER_FENCED
            || raw == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH
        let failure = KafkaError.transactionFailed(
            operation: operation,
            code: code,
            reason: String(cString: rd_kafka_error_string(error)),
            fenced: fenced
        )
        if rd_kafka_error_is_fatal(error) != 0 || fenced { throw .fatal(failure) }
        if rd_kafka_error_txn_requires_abort(error) != 0 { throw .abortable(failure) }
        throw .retriable(failure)
    }
}
