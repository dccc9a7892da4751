import Foundation

/// Runs CPU-bound test work on a thread of its own, so it does not hold one of the cooperative pool's threads (two
/// on this machine) for minutes while other suites' servers wait for them.
package func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
