package import Logging
import ServiceLifecycle

/// A long-running consumer as a service that survives its failures: when `body` throws (a broker that went
/// away, a fatal client error), the failure is logged and `body` runs again after a capped exponential backoff,
/// while the rest of the controller (the HTTP API above all) keeps serving. Graceful shutdown cancels `body`,
/// which finishes its current batch and returns.
package struct RestartingService: Service {
    package let name: String
    private let body: @Sendable () async throws -> Void
    private let logger: Logger
    private let initialBackoff: Duration
    private let maximumBackoff: Duration

    /// - Parameters:
    ///   - name: for logs.
    ///   - initialBackoff: the first wait after a failure (doubled per consecutive failure).
    ///   - maximumBackoff: the longest wait.
    ///   - body: the work; returning ends the service.
    package init(
        name: String,
        logger: Logger,
        initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(30),
        body: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.body = body
        self.logger = logger
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = initialBackoff
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do {
                    try await body()
                    return
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    // A run that lasted a while was healthy: start the backoff over.
                    if ContinuousClock.now - started > maximumBackoff { backoff = initialBackoff }
                    logger.error("\(name) failed; restarting", metadata: ["error": "\(error)", "in": "\(backoff)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, maximumBackoff)
                }
            }
        }
    }
}
