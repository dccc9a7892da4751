import ConsRouteModel
import NIOCore
import NIOHTTP1

extension TableClient {
    /// `GET /v1/fleets/{fleet}/table/stream[?device=]`: the envelope bytes of every table the device should apply
    /// that is newer than `after`, as the server pushes them (server-sent events).
    ///
    /// A dropped connection, a stream the server ends (graceful shutdown), one that stays silent past
    /// `configuration.streamIdleTimeout` (the server sends a heartbeat every 15 s by default), a 5xx, 408 or 429
    /// are retried after `configuration.backoff`'s delay, with `Last-Event-ID` set to the last version received,
    /// so no table is lost or sent twice. The stream ends when the consumer stops iterating or its task is
    /// cancelled, and fails on an answer that retrying cannot fix (another 4xx, a body that is not an event
    /// stream), with a `TableClientError` naming the URL.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, which selects a canary cohort (nil: the active table).
    ///   - after: the version the caller holds (0 for none): the server starts with the current table if newer.
    /// - Returns: the envelopes, in the order received.
    public func stream(fleet: String, device: String? = nil, after: UInt64 = 0) -> AsyncThrowingStream<
        [UInt8], any Error
    > {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let client = self
        let target = "\(Self.tablePath(fleet: fleet))/stream" + Self.query(["device": device])
        // The stream's producer: started here because the stream is the caller's handle on it, and cancelled when
        // the caller stops iterating.
        let task = Task {
            do {
                try await client.followStream(target: target, after: after, into: continuation)
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Connects, reads, and reconnects with backoff until cancelled or a non-retryable failure.
    private func followStream(
        target: String,
        after: UInt64,
        into continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) async throws {
        var lastEventID: String? = after > 0 ? String(after) : nil
        var backoff = configuration.backoff
        while true {
            try Task.checkCancellation()
            do {
                try await readStream(target: target, lastEventID: &lastEventID, backoff: &backoff, into: continuation)
            } catch let error as TableClientError where error.isRetryable {
                // Retried below, like a stream the server ended.
            }
            try Task.checkCancellation()
            try await Task.sleep(for: backoff.nextDelay())
        }
    }

    /// One connection of the stream: yields each `table` event's data until the connection ends.
    private func readStream(
        target: String,
        lastEventID: inout String?,
        backoff: inout ReconnectBackoff,
        into continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    ) async throws {
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "text/event-stream")]
        if let lastEventID { headers.append((name: "Last-Event-ID", value: lastEventID)) }
        var exchange = HTTPExchange(method: .GET, target: target, headers: headers)
        exchange.readIdleTimeout = configuration.streamIdleTimeout
        let url = address.url(target)
        let limit = configuration.maximumResponseBytes
        var parser = ServerSentEventParser()
        try await exchange.perform(
            at: address,
            group: group,
            connectTimeout: configuration.connectTimeout,
            timeout: nil
        ) {
            head,
            inbound in
            guard head.status.code == 200 else {
                let body = try await HTTPExchange.collectBody(&inbound, limit: limit, url: url)
                throw Self.statusError(url: url, code: Int(head.status.code), body: body)
            }
            let contentType = head.headers.first(name: "Content-Type") ?? ""
            guard contentType.lowercased().hasPrefix("text/event-stream") else {
                throw TableClientError.malformedResponse(
                    url: url,
                    reason: "content type \(contentType), not text/event-stream"
                )
            }
            while true {
                let part: HTTPClientResponsePart?
                do {
                    part = try await inbound.next()
                } catch {
                    throw TableClientError.connectionFailed(url: url, reason: "the stream broke: \(error)")
                }
                guard case .body(let buffer)? = part else { return }
                backoff.reset()
                for event in parser.parse(buffer.readableBytesView) where event.event == "table" {
                    continuation.yield(event.data)
                }
                lastEventID = parser.lastEventID ?? lastEventID
            }
        }
    }
}
