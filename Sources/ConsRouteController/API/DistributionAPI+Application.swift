package import Hummingbird
import HummingbirdCore
package import NIOCore
package import ServiceLifecycle

extension DistributionAPI {
    /// The HTTP application serving this API, ready to run in the controller's service group; it runs the
    /// `TableCacheHeartbeat` that drives the server-sent-event heartbeats.
    ///
    /// Connections are guarded (issue 14): the header-read and idle timeouts of ``GuardedHTTP1Channel``, and at
    /// most `maximumConnections` open at once unless `configuration` brings its own connection delegate.
    ///
    /// - Parameters:
    ///   - configuration: address, server name and the other Hummingbird settings.
    ///   - services: services to run with the server (started before it, shut down after it).
    ///   - onServerRunning: called with the listening channel once the server is up (its local address gives
    ///     the port when binding to port 0).
    package func buildApplication(
        configuration: ApplicationConfiguration,
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<DistributionRequestContext>> {
        let heartbeat = TableCacheHeartbeat(cache: cache, interval: self.configuration.heartbeatInterval)
        var configuration = configuration
        if configuration.availableConnectionsDelegate == nil {
            configuration.availableConnectionsDelegate = MaximumAvailableConnections(
                self.configuration.maximumConnections
            )
        }
        return Application(
            router: buildRouter(),
            server: .guardedHTTP1(
                headerTimeout: TimeAmount(self.configuration.headerTimeout),
                idleTimeout: TimeAmount(self.configuration.idleTimeout)
            ),
            configuration: configuration,
            services: [heartbeat] + services,
            onServerRunning: onServerRunning
        )
    }
}
