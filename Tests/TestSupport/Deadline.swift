/// The result of `work`, or nil when it has none within `timeout` (the work is then cancelled).
///
/// For waits that must end: a stream's next item, a child process's first line.
package func firstResult<T: Sendable>(
    within timeout: Duration,
    _ work: @escaping @Sendable () async -> T?
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await work() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// A wait that did not end in time.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    package let timeout: Duration
    package var description: String { "the condition did not hold within \(timeout)" }
}

/// Returns once `condition` holds (checked every 5 ms); throws `DeadlineExceeded` if it does not within `timeout`.
package func waitUntil(timeout: Duration, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(timeout: timeout) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
