import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOPosix
import ServiceLifecycle

extension DistributionAPI {
    /// `Last-Event-ID`: the id of the last event a reconnecting client received.
    static let lastEventIDField = HTTPField.Name("Last-Event-ID")!
    /// `X-Accel-Buffering: no` tells nginx-style proxies not to buffer the stream.
    static let accelBufferingField = HTTPField.Name("X-Accel-Buffering")!

    /// `GET /v1/fleets/{fleet}/table/stream[?device=]`: server-sent events. The current table at once (unless the
    /// client's `Last-Event-ID` says it holds it), then one `event: table` per newer table, with comment
    /// heartbeats; ends when the client goes or the server shuts down gracefully.
    ///
    /// With a `ChannelRequestContext` the cache's fan-out writes the frames onto the connection from its event
    /// loop; with any other context they are relayed through the response task. On the connection, a GET's frames
    /// go out as the shared pre-framed chunk (`StreamFrame.chunk`) written below the HTTP/1 encoder: the codec
    /// answers every request as HTTP/1.1 and this response has no length, so its body is chunked, and the encoder
    /// would only frame the same bytes again for every subscriber. A HEAD (no body) and a pipeline without that
    /// encoder get body parts.
    func streamResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        try requireConfigured(fleet)
        let device = try TableQuery.device(request.uri.queryParameters["device"])
        let held = try EntityTag.lastEventID(request.headers[Self.lastEventIDField])
        let channel = (context as? any ChannelRequestContext)?.channel
        let prechunked = request.method == .get
        let (cache, metrics) = (cache, metrics)
        let body = ResponseBody { writer in
            metrics.subscriberOpened(fleet: fleet, kind: .sse)
            defer { metrics.subscriberClosed(fleet: fleet, kind: .sse) }
            let ending: StreamEnding
            if let channel {
                let subscription = await cache.openStream(
                    fleet: fleet,
                    device: device,
                    after: held,
                    on: channel.eventLoop
                ) { frame in
                    // A client that stopped reading would make the channel buffer every later frame without bound;
                    // closing it bounds that, and it reconnects with Last-Event-ID to get the newest table.
                    guard channel.isWritable else { return channel.close(promise: nil) }
                    let pipeline = channel.pipeline.syncOperations
                    if prechunked, let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) {
                        encoder.writeAndFlush(NIOAny(IOData.byteBuffer(frame.chunk)), promise: nil)
                    } else {
                        channel.writeAndFlush(HTTPResponsePart.body(frame.event), promise: nil)
                    }
                }
                ending = try await Self.untilStreamEnds(request, closing: subscription) { try await gracefulShutdown() }
            } else {
                let (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
                let subscription = await cache.openStream(
                    fleet: fleet,
                    device: device,
                    after: held,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                ) { frame in
                    continuation.yield(frame.event)
                }
                ending = try await Self.untilStreamEnds(request, closing: subscription) {
                    for await frame in frames.cancelOnGracefulShutdown() { try await writer.write(frame) }
                    try Task.checkCancellation()
                }
            }
            if ending == .gracefulShutdown { try await writer.finish(nil) }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", Self.accelBufferingField: "no"],
            body: body
        )
    }

    /// How a stream ended.
    enum StreamEnding {
        /// The server is shutting down: finish the response.
        case gracefulShutdown
        /// The client went away: there is no one left to finish the response for.
        case clientClosed
    }

    /// Runs `body` until it returns (graceful shutdown) or is cancelled because the client closed the connection,
    /// then closes `subscription`, whatever the outcome.
    ///
    /// - Throws: what `body` throws, other than the cancellation.
    private static func untilStreamEnds(
        _ request: Request,
        closing subscription: TableStreamSubscription,
        _ body: () async throws -> Void
    ) async throws -> StreamEnding {
        do {
            try await request.body.consumeWithCancellationOnInboundClose { _ in try await body() }
            await subscription.close()
            return .gracefulShutdown
        } catch is CancellationError {
            await subscription.close()
            return .clientClosed
        } catch {
            await subscription.close()
            throw error
        }
    }
}
