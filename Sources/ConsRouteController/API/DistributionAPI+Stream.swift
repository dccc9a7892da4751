import HTTPTypes
import Hummingbird
import ServiceLifecycle

extension DistributionAPI {
    /// `Last-Event-ID`: the id of the last event a reconnecting client received.
    static let lastEventIDField = HTTPField.Name("Last-Event-ID")!
    /// `X-Accel-Buffering: no` tells nginx-style proxies not to buffer the stream.
    static let accelBufferingField = HTTPField.Name("X-Accel-Buffering")!

    /// `GET /v1/fleets/{fleet}/table/stream[?device=]`: server-sent events. The current table at once (unless the
    /// client's `Last-Event-ID` says it holds it), then one `event: table` per newer table, with comment
    /// heartbeats; ends when the client goes or the server shuts down gracefully.
    func streamResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        let device = try TableQuery.device(request.uri.queryParameters["device"])
        let held = try EntityTag.lastEventID(request.headers[Self.lastEventIDField])
        let events = TableEventStream(cache: cache, fleet: fleet, device: device, heldVersion: held)
        let metrics = metrics
        let body = ResponseBody { writer in
            metrics.subscriberOpened(fleet: fleet, kind: .sse)
            defer { metrics.subscriberClosed(fleet: fleet, kind: .sse) }
            do {
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    try await writer.write(events.cancelOnGracefulShutdown())
                }
            } catch is CancellationError {
                // The client closed the connection: there is no one left to finish the response for.
                return
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", Self.accelBufferingField: "no"],
            body: body)
    }
}
