import Dispatch

/// Moves work between Swift tasks and ordinary threads, so blocking librdkafka calls never run on the
/// cooperative pool and poll threads can await async application code.
enum ThreadBridge {
    /// Runs blocking `body` on `queue` (a Dispatch thread, not the cooperative pool) and awaits its result.
    ///
    /// - Parameters:
    ///   - queue: The queue to block.
    ///   - body: The blocking work.
    /// - Throws: What `body` throws.
    static func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T
    {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Blocks the calling thread until async `body` finished in a task, and returns its result.
    ///
    /// Call it only from a thread of our own (a poll thread), never from a task: it would hold a pool thread.
    ///
    /// - Parameter body: The async work.
    /// - Throws: What `body` throws.
    static func wait<T: Sendable>(for body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = ResultSlot<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.store(.success(try await body()))
            } catch {
                outcome.store(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.take().get()
    }
}
