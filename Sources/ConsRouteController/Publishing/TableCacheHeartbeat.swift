import ServiceLifecycle

/// A service that calls `TableCache.pulse()` every `interval`, so every idle server-sent-event stream writes a
/// heartbeat: one timer for all subscribers rather than one per subscriber. Ends on graceful shutdown.
package struct TableCacheHeartbeat: Service {
    private let cache: TableCache
    private let interval: Duration

    /// A heartbeat for `cache`.
    ///
    /// - Parameters:
    ///   - cache: the cache whose watchers to pulse.
    ///   - interval: the period (positive).
    package init(cache: TableCache, interval: Duration) {
        precondition(interval > .zero, "the heartbeat interval must be positive")
        self.cache = cache
        self.interval = interval
    }

    /// Pulses the cache every `interval` until graceful shutdown or cancellation.
    package func run() async throws {
        let cache = cache
        let interval = interval
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await cache.pulse()
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
