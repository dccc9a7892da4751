import ConsRouteClient
package import ConsRouteModel
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A plain HTTP/1.1 client for the controller's API in end-to-end tests: one connection per request, the whole
/// response collected, any method and headers (a wrong bearer token, `If-None-Match`) with the status as is.
package struct HTTPProbe: Sendable {
    /// A collected response.
    package struct Response: Sendable {
        package var status: Int
        /// Header names in lower case.
        package var headers: [String: String]
        package var body: [UInt8]
    }

    package let port: Int

    package init(port: Int) { self.port = port }

    /// Sends one request and collects the response.
    package func request(
        _ method: String,
        _ path: String,
        headers: [String: String] = [:],
        body: String? = nil
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

/// A fleet's tables as a device's SSE subscription receives them (`ConsRouteClient.TableClient.stream`), each with
/// its receipt time.
package final class TableStreamRecorder: Sendable {
    /// A table as received.
    package struct Receipt: Sendable {
        package var table: SignedTable
        package var receivedAt: ContinuousClock.Instant
    }

    private let receipts = Mutex<[Receipt]>([])
    private let reading = Mutex<Task<Void, Never>?>(nil)

    /// Subscribes to `fleet`'s tables at 127.0.0.1:`port`; the server starts with the current table.
    package init(port: Int, fleet: String) throws {
        let client = try TableClient(url: "http://127.0.0.1:\(port)")
        let task = Task { [self] in
            do {
                for try await envelope in client.stream(fleet: fleet) {
                    guard let table = try? SignedTable(envelope: envelope) else { continue }
                    let receipt = Receipt(table: table, receivedAt: .now)
                    self.receipts.withLock { $0.append(receipt) }
                }
            } catch {}
        }
        reading.withLock { $0 = task }
    }

    /// The first table received above `version`, waiting at most `timeout`.
    package func nextTable(above version: UInt64, within timeout: Duration) async throws -> Receipt {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let receipt = receipts.withLock({ $0.first { $0.table.table.version > version } }) { return receipt }
            try await Task.sleep(for: .milliseconds(5))
        }
        // What did arrive, and when, to tell a stream that stalled from one that never got the table.
        let received = receipts.withLock { receipts in
            receipts.map { "v\($0.table.table.version) \(ContinuousClock.now - $0.receivedAt) ago" }
        }
        throw TestTimeout(
            what: "a streamed table above version \(version) (received: \(received.joined(separator: ", ")))"
        )
    }

    /// Ends the subscription.
    package func close() {
        reading.withLock { $0?.cancel() }
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
