import ConsRouteModel
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

extension DistributionAPI {
    /// `GET /v1/fleets/{fleet}/status`: the served versions, the canary, the subscriber counts, and what the status
    /// provider adds.
    func statusResponse(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let fleet = try context.parameters.require("fleet")
        try requireConfigured(fleet)
        let tables = await cache.tables(fleet: fleet)
        let extra = try await status.additionalStatus(fleet: fleet)
        guard tables.latestVersion > 0 || extra != nil else { throw APIError.unknownFleet(fleet: fleet) }
        var members = extra ?? [:]
        members["fleet"] = .string(fleet)
        members["active"] =
            tables.active.map { table in
                .object([
                    "version": JSONValue(integer: table.version),
                    "created_at": JSONValue(integer: table.signed.table.createdAtMs),
                    "expires_at": JSONValue(integer: table.signed.table.expiresAtMs),
                ])
            } ?? .null
        members["canary"] =
            tables.canary.map { table in
                .object([
                    "version": JSONValue(integer: table.version),
                    "percent": JSONValue(table.rollout.percent),
                    "salt": .string(table.rollout.salt),
                ])
            } ?? .null
        members["subscribers"] = .object([
            "sse": JSONValue(integer: metrics.subscriberCount(fleet: fleet, kind: .sse)),
            "longpoll": JSONValue(integer: metrics.subscriberCount(fleet: fleet, kind: .longpoll)),
            "parked": JSONValue(integer: await cache.watcherCount(fleet: fleet)),
        ])
        return Self.json(.object(members))
    }

    /// `GET /metrics`: the whole registry in the Prometheus text format, table versions refreshed from the cache.
    func metricsResponse() async -> Response {
        for (fleet, tables) in await cache.allFleets() {
            metrics.tableVersion(fleet: fleet, stage: "active", version: tables.active?.version ?? 0)
            metrics.tableVersion(fleet: fleet, stage: "canary", version: tables.canary?.version ?? 0)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        )
    }

    /// `GET /readyz`: 200 when the readiness closure says so, else 503.
    func readinessResponse() async -> Response {
        await readiness()
            ? Self.json(.object(["status": .string("ready")]))
            : Self.json(.object(["status": .string("not ready")]), status: .serviceUnavailable)
    }
}
