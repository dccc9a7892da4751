import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One HTTP/1.1 request on a connection of its own (`Connection: close`), over NIO's async channel: nothing
/// blocks a thread, and cancelling the calling task closes the connection.
///
/// Tables are small and subscriptions hold one long-lived connection each, so a connection pool would add state
/// without saving anything that matters.
struct HTTPExchange: Sendable {
    typealias Inbound = NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

    /// The request line's method, e.g. `.GET`.
    var method: HTTPMethod
    /// The path and query, percent-encoded.
    var target: String
    /// Extra request headers.
    var headers: [(name: String, value: String)] = []
    /// The request body (sent with `Content-Type: application/json`), if any.
    var body: [UInt8]?
    /// Close the connection when nothing arrived for this long (nil: never).
    var readIdleTimeout: Duration?

    /// Connects to `address`, sends the request, reads the response head, and hands it with the rest of the
    /// response to `handle`; the connection is closed when `handle` returns or throws, when `timeout` has passed
    /// since the connection was made, or when the calling task is cancelled.
    ///
    /// - Throws: `TableClientError.connectionFailed` if the server cannot be reached or closes the connection
    ///   before a response head; `.timedOut` past `timeout`; whatever `handle` throws.
    func perform<Result: Sendable>(
        at address: ServerAddress,
        group: any EventLoopGroup,
        connectTimeout: Duration,
        timeout: Duration?,
        _ handle: (HTTPResponseHead, inout Inbound) async throws -> Result
    ) async throws -> Result {
        let url = address.url(target)
        let idleTimeout = readIdleTimeout.map { TimeAmount.nanoseconds($0.wholeNanoseconds) }
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(connectTimeout.wholeNanoseconds))
                .connect(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let idleTimeout {
                            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                            try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            throw TableClientError.connectionFailed(url: url, reason: Self.reason(connecting: error))
        }
        // Closing the connection is what ends a read in progress: on the deadline, and on cancellation.
        let expired = ExpiryFlag()
        let deadline = timeout.map { timeout in
            channel.channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.wholeNanoseconds)) {
                expired.set()
                channel.channel.close(promise: nil)
            }
        }
        defer { deadline?.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await exchange(on: channel, url: url, address: address, handle)
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch  where expired.isSet {
            throw TableClientError.timedOut(url: url, after: timeout ?? .zero)
        }
    }

    /// Sends the request on a connected channel and reads the response head.
    private func exchange<Result: Sendable>(
        on channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
        url: String,
        address: ServerAddress,
        _ handle: (HTTPResponseHead, inout Inbound) async throws -> Result
    ) async throws -> Result {
        try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: target)
            head.headers.add(name: "Host", value: address.hostHeader)
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "User-Agent", value: "consroute")
            for header in headers { head.headers.add(name: header.name, value: header.value) }
            if let body {
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: String(body.count))
            }
            do {
                try await outbound.write(.head(head))
                if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
            } catch {
                throw TableClientError.connectionFailed(url: url, reason: "sending the request failed: \(error)")
            }
            var iterator = inbound.makeAsyncIterator()
            let first: HTTPClientResponsePart?
            do {
                first = try await iterator.next()
            } catch {
                throw TableClientError.connectionFailed(url: url, reason: "reading the response failed: \(error)")
            }
            guard case .head(let responseHead)? = first else {
                try Task.checkCancellation()
                throw TableClientError.connectionFailed(
                    url: url,
                    reason: "the server closed the connection without a response"
                )
            }
            return try await handle(responseHead, &iterator)
        }
    }

    /// A short reason for a failed connect: the socket error of the last address tried, or why the name did not
    /// resolve, rather than NIO's full account of every attempt.
    static func reason(connecting error: any Error) -> String {
        guard let failure = error as? NIOConnectionError else { return "\(error)" }
        if let last = failure.connectionErrors.last { return "\(last.error)" }
        if let dns = failure.dnsAError ?? failure.dnsAAAAError { return "cannot resolve \(failure.host): \(dns)" }
        return "\(error)"
    }

    /// Reads the rest of a response's body, up to `limit` bytes.
    ///
    /// - Throws: `TableClientError.responseTooLarge` past the limit, `.connectionFailed` if the connection ends
    ///   before the response does.
    static func collectBody(_ inbound: inout Inbound, limit: Int, url: String) async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let part: HTTPClientResponsePart?
            do {
                part = try await inbound.next()
            } catch {
                throw TableClientError.connectionFailed(url: url, reason: "reading the response body failed: \(error)")
            }
            switch part {
            case .body(let buffer):
                guard body.count + buffer.readableBytes <= limit else {
                    throw TableClientError.responseTooLarge(url: url, limit: limit)
                }
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                return body
            case .head, nil:
                try Task.checkCancellation()
                throw TableClientError.connectionFailed(
                    url: url,
                    reason: "the connection ended inside the response body"
                )
            }
        }
    }
}

/// Whether a request's deadline passed (set on the event loop, read by the requesting task).
final class ExpiryFlag: Sendable {
    private let value = Atomic(false)

    func set() { value.store(true, ordering: .releasing) }

    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// Closes the connection when the `IdleStateHandler` before it reports that nothing was read for its timeout.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).overflow
            ? .max : product + attoseconds / 1_000_000_000
    }
}
