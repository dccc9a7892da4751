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
