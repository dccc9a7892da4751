import ConsRouteModel
import HTTPTypes
package import Hummingbird
import NIOCore

/// The distribution API (docs/design.md §7): tables by request, long-poll and server-sent events, past versions, fleet
/// status, admin actions, metrics and health.
///
/// Collaborators are protocols and closures, so the controller plugs in its history, status and actions, and
/// tests plug in in-memory ones.
package struct DistributionAPI: Sendable {
    /// The latest tables, and the subscribers waiting for the next ones.
    package let cache: TableCache
    /// Past versions for `GET /v1/fleets/{fleet}/tables/{version}`.
    package let history: any TableHistory
    /// The controller's part of `GET /v1/fleets/{fleet}/status`.
    package let status: any FleetStatusProvider
    /// The operator actions behind the admin endpoints.
    package let admin: any AdminActions
    /// The API's metrics and the registry `/metrics` emits.
    package let metrics: DistributionMetrics
    /// Admin token, long-poll cap, heartbeat period.
    package let configuration: DistributionAPIConfiguration
    /// Whether the controller is ready to serve (`/readyz`).
    package let readiness: @Sendable () async -> Bool

    /// An API over these collaborators.
    ///
    /// - Parameters:
    ///   - cache: the table cache the publisher writes to.
    ///   - history: past versions.
    ///   - status: the controller's status fields.
    ///   - admin: the operator actions.
    ///   - metrics: the metrics, in the controller's registry.
    ///   - configuration: the API settings.
    ///   - readiness: answers `/readyz`.
    package init(
        cache: TableCache,
        history: any TableHistory,
        status: any FleetStatusProvider,
        admin: any AdminActions,
        metrics: DistributionMetrics,
        configuration: DistributionAPIConfiguration,
        readiness: @escaping @Sendable () async -> Bool
    ) {
        self.cache = cache
        self.history = history
        self.status = status
        self.admin = admin
        self.metrics = metrics
        self.configuration = configuration
        self.readiness = readiness
    }

    /// A router with every route of the API, counting requests in `consroute_http_requests_total`; its context
    /// carries the connection's channel, so streams are written by the cache's fan-out.
    package func buildRouter() -> Router<DistributionRequestContext> {
        let router = Router(context: DistributionRequestContext.self)
        addRoutes(to: router)
        return router
    }

    /// Adds every route of the API to `router`, for an application with its own request context; that
    /// application must also run a `TableCacheHeartbeat` on `cache` for the server-sent-event heartbeats
    /// (`buildApplication` does). A context that is a `ChannelRequestContext` gets the fast stream fan-out.
    ///
    /// - Parameter router: the router to extend.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.addMiddleware { RequestMetricsMiddleware(metrics: metrics) }
        router.get("/v1/fleets/{fleet}/table") { request, context in try await tableResponse(request, context) }
        router.get("/v1/fleets/{fleet}/table/stream") { request, context in try await streamResponse(request, context) }
        router.get("/v1/fleets/{fleet}/tables/{version}") { request, context in
            try await pastTableResponse(request, context)
        }
        router.get("/v1/fleets/{fleet}/status") { request, context in try await statusResponse(request, context) }
        addAdminRoutes(to: router)
        router.get("/metrics") { _, _ in await metricsResponse() }
        router.get("/healthz") { _, _ in Self.json(.object(["status": .string("ok")])) }
        router.get("/readyz") { _, _ in await readinessResponse() }
    }

    /// A 200 JSON response of `value`'s canonical bytes.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.canonicalBytes()))
        )
    }
}
