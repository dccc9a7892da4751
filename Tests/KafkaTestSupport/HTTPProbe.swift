import ConsRouteClient
import ConsRouteController
public import ConsRouteModel
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A plain HTTP/1.1 client for the controller's API in end-to-end tests: one connection per request, the whole
/// response collected; and a server-sent-event subscription that yields each table with its receipt time.
public struct HTTPProbe: Sendable {
    /// A collected response.
    public struct Response: Sendable {
        public var status: Int
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public let port: Int

    public init(port: Int) { self.port = port }

    /// Sends one request and collects the response.
    public func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil
    ) async throws -> Response {
        let (parts, continuation) = AsyncStream<HTTPClientResponsePart>.makeStream()
        let channel = try await connect(continuation)
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        var response = Response(status: 0, headers: [:], body: [])
        for await part in parts {
            switch part {
            case .head(let head):
                response.status = Int(head.status.code)
                for (name, value) in head.headers { response.headers[name.lowercased()] = value }
            case .body(let buffer): response.body += buffer.readableBytesView
            case .end: break
            }
        }
        try? await channel.close().get()
        return response
    }

    /// Opens `GET path` as a server-sent-event stream.
    public func stream(_ path: String) async throws -> TableSubscriptionProbe {
        let (parts, continuation) = AsyncStream<HTTPClientResponsePart>.makeStream()
        let channel = try await connect(continuation)
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(name: "Accept", value: "text/event-stream")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        return TableSubscriptionProbe(channel: channel, parts: parts)
    }

    private func connect(_ continuation: AsyncStream<HTTPClientResponsePart>.Continuation) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponsePartForwarder(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }
}

/// A server-sent-event subscription to a fleet's tables.
public final class TableSubscriptionProbe: Sendable {
    /// A table as received.
    public struct Receipt: Sendable {
        public var table: SignedTable
        public var receivedAt: ContinuousClock.Instant
    }

    private let channel: any Channel
    private let receipts: AsyncStream<Receipt>

    init(channel: any Channel, parts: AsyncStream<HTTPClientResponsePart>) {
        self.channel = channel
        let (receipts, continuation) = AsyncStream<Receipt>.makeStream()
        self.receipts = receipts
        Task {
            var parser = ServerSentEventParser()
            for await part in parts {
                guard case .body(let buffer) = part else { continue }
                let now = ContinuousClock.now
                for event in parser.parse(buffer.readableBytesView) {
                    if let table = try? SignedTable(envelope: event.data) {
                        continuation.yield(Receipt(table: table, receivedAt: now))
                    }
                }
            }
            continuation.finish()
        }
    }

    /// The first table above `version` received, waiting at most `timeout`.
    public func nextTable(above version: UInt64, within timeout: Duration) async throws -> Receipt {
        let receipts = receipts
        return try await withThrowingTaskGroup(of: Receipt?.self) { group in
            group.addTask {
                for await receipt in receipts where receipt.table.table.version > version { return receipt }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let receipt = first else {
                throw TestTimeout(what: "a streamed table above version \(version)")
            }
            return receipt
        }
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }
}

/// Forwards response parts to an async stream; finishes it when the connection closes.
final class ResponsePartForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private let continuation: AsyncStream<HTTPClientResponsePart>.Continuation

    init(continuation: AsyncStream<HTTPClientResponsePart>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        continuation.yield(part)
        if case .end = part { continuation.finish() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
