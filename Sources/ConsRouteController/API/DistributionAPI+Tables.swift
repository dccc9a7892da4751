import ConsRouteModel
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

extension DistributionAPI {
    /// `GET /v1/fleets/{fleet}/table[?device=][&after=&wait=]`: the table the caller should apply, with `ETag`
    /// and `If-None-Match`; with `after`, a long-poll.
    func tableResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        try requireConfigured(fleet)
        let query = try TableQuery(request.uri, maximumWait: configuration.maximumWait)
        if let after = query.after {
            return try await longPollResponse(
                request,
                channel: (context as? any ChannelRequestContext)?.channel,
                fleet: fleet,
                device: query.device,
                after: after,
                wait: query.wait
            )
        }
        guard let table = await cache.table(fleet: fleet, device: query.device) else {
            throw APIError.noTable(fleet: fleet)
        }
        if EntityTag.ifNoneMatch(request.headers[.ifNoneMatch], matches: table.version) {
            return Self.notModified(version: table.version)
        }
        return Self.tableResponse(table.envelope, version: table.version)
    }

    /// The long-poll: the newer table at once if there is one, else the first one published within `wait`,
    /// else 304 (with the `ETag` of what the caller should apply, if anything). A parked poll ends early, with
    /// 304, when the server shuts down gracefully, and when its client closes the connection (nobody to answer).
    ///
    /// On a guarded connection (``GuardedHTTP1Channel``) the poll watches the client's end of input without touching
    /// the request stream, so the connection stays usable for the next request (keep-alive). Elsewhere it has to
    /// consume the stream to see the client go, which ends the connection after the response: that response says
    /// `Connection: close`.
    private func longPollResponse(
        _ request: Request,
        channel: (any Channel)?,
        fleet: String,
        device: String?,
        after: UInt64,
        wait: Duration
    ) async throws -> Response {
        let current = await cache.table(fleet: fleet, device: device)
        if let current, current.version > after {
            return Self.tableResponse(current.envelope, version: current.version)
        }
        var closesConnection = false
        if wait > .zero {
            metrics.subscriberOpened(fleet: fleet, kind: .longpoll)
            defer { metrics.subscriberClosed(fleet: fleet, kind: .longpoll) }
            let cache = cache
            let watch: @Sendable () async throws -> PublishedTable? = {
                try await cancelWhenGracefulShutdown {
                    try await cache.watch(fleet: fleet, device: device, after: after, timeout: wait)
                }
            }
            do {
                let table: PublishedTable?
                if let channel, let inputClosed = await ConnectionGuardHandler.inputClosed(of: channel) {
                    table = try await Self.until(inputClosed, watch)
                } else {
                    closesConnection = true
                    table = try await request.body.consumeWithCancellationOnInboundClose { _ in try await watch() }
                }
                if let table {
                    var response = Self.tableResponse(table.envelope, version: table.version)
                    if closesConnection { response.headers[.connection] = "close" }
                    return response
                }
            } catch is CancellationError {
            }
        }
        var response = Self.notModified(version: await cache.table(fleet: fleet, device: device)?.version)
        if closesConnection { response.headers[.connection] = "close" }
        return response
    }

    /// Runs `body` until it returns, or until `inputClosed` completes (the client went: `CancellationError`).
    private static func until<T: Sendable>(
        _ inputClosed: EventLoopFuture<Void>,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let (closed, continuation) = AsyncStream<Void>.makeStream()
        inputClosed.whenComplete { _ in continuation.finish() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await _ in closed {}
                try Task.checkCancellation()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            guard case .some(.some(let value)) = try await group.next() else { throw CancellationError() }
            return value
        }
    }

    /// Throws 404 for a fleet the controller does not run (when the status provider says which it runs).
    func requireConfigured(_ fleet: String) throws(APIError) {
        if let configured = status.configuredFleets, !configured.contains(fleet) { throw .unknownFleet(fleet: fleet) }
    }

    /// `GET /v1/fleets/{fleet}/tables/{version}`: a past version from history.
    func pastTableResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        try requireConfigured(fleet)
        let text = try context.parameters.require("version")
        guard let version = UInt64(text) else {
            throw APIError.badParameter(
                name: "version",
                reason: "must be a table version (an integer >= 0), got \(text)"
            )
        }
        guard let table = try await history.table(fleet: fleet, version: version) else {
            throw APIError.unknownVersion(fleet: fleet, version: version)
        }
        return Self.tableResponse(ByteBuffer(bytes: table.envelopeBytes()), version: version)
    }

    /// 200 with an envelope, its `ETag`, and `Cache-Control: no-cache` (cache it, but revalidate).
    static func tableResponse(_ envelope: ByteBuffer, version: UInt64) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/json", .eTag: EntityTag.of(version: version), .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: envelope)
        )
    }

    /// 304, with the `ETag` of the table the caller should apply if there is one.
    static func notModified(version: UInt64?) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-cache"]
        if let version { headers[.eTag] = EntityTag.of(version: version) }
        return Response(status: .notModified, headers: headers)
    }
}
