import ServiceLifecycle
import HTTPTypes
import ConsRouteModel
import Hummingbird
import NIOCore

extension DistributionAPI {
    /// `GET /v1/fleets/{fleet}/table[?device=][&after=&wait=]`: the table the caller should apply, with `ETag`
    /// and `If-None-Match`; with `after`, a long-poll.
    func tableResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        let query = try TableQuery(request.uri, maximumWait: configuration.maximumWait)
        if let after = query.after {
            return try await longPollResponse(request, fleet: fleet, device: query.device, after: after, wait: query.wait)
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
    private func longPollResponse(_ request: Request, fleet: String, device: String?, after: UInt64, wait: Duration)
        async throws -> Response
    {
        let current = await cache.table(fleet: fleet, device: device)
        if let current, current.version > after { return Self.tableResponse(current.envelope, version: current.version) }
        if wait > .zero {
            metrics.subscriberOpened(fleet: fleet, kind: .longpoll)
            defer { metrics.subscriberClosed(fleet: fleet, kind: .longpoll) }
            let cache = cache
            do {
                let table = try await request.body.consumeWithCancellationOnInboundClose { _ in
                    try await cancelWhenGracefulShutdown {
                        try await cache.watch(fleet: fleet, device: device, after: after, timeout: wait)
                    }
                }
                if let table { return Self.tableResponse(table.envelope, version: table.version) }
            } catch is CancellationError {
            }
        }
        return Self.notModified(version: await cache.table(fleet: fleet, device: device)?.version)
    }

    /// `GET /v1/fleets/{fleet}/tables/{version}`: a past version from history.
    func pastTableResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        let text = try context.parameters.require("version")
        guard let version = UInt64(text) else {
            throw APIError.badParameter(name: "version", reason: "must be a table version (an integer >= 0), got \(text)")
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
            headers: [.contentType: "application/json", .eTag: EntityTag.of(version: version), .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: envelope))
    }

    /// 304, with the `ETag` of the table the caller should apply if there is one.
    static func notModified(version: UInt64?) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-cache"]
        if let version { headers[.eTag] = EntityTag.of(version: version) }
        return Response(status: .notModified, headers: headers)
    }
}
