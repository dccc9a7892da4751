public import Hummingbird
public import NIOCore
public import ServiceLifecycle

extension DistributionAPI {
    /// The HTTP application serving this API, ready to run in the controller's service group; it runs the
    /// `TableCacheHeartbeat` that drives the server-sent-event heartbeats.
    ///
    /// - Parameters:
    ///   - configuration: address, server name and the other Hummingbird settings.
    ///   - services: services to run with the server (started before it, shut down after it).
    ///   - onServerRunning: called with the listening channel once the server is up (its local address gives
    ///     the port when binding to port 0).
    public func buildApplication(
        configuration: ApplicationConfiguration, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<DistributionRequestContext>> {
        let heartbeat = TableCacheHeartbeat(cache: cache, interval: self.configuration.heartbeatInterval)
        return Application(
            router: buildRouter(), configuration: configuration, services: [heartbeat] + services,
            onServerRunning: onServerRunning)
    }
}
