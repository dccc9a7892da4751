package import Hummingbird

/// Counts every answered request in `consroute_http_requests_total{route,status}`, errors included.
///
/// The route label is the matched route pattern (`/v1/fleets/{fleet}/table`), or `unmatched`, so concrete fleet
/// names and versions cannot blow up the label's cardinality.
package struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics: DistributionMetrics

    /// A middleware that counts into `metrics`.
    package init(metrics: DistributionMetrics) {
        self.metrics = metrics
    }

    /// Calls `next` and counts its status (the error's status if it throws; 500 for an error without one).
    package func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.requestAnswered(route: Self.route(context), status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestAnswered(route: Self.route(context), status: status)
            throw error
        }
    }

    private static func route(_ context: Context) -> String {
        context.endpointPath ?? "unmatched"
    }
}
