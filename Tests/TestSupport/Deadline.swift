/// Checks `condition` every `interval` until it holds: true once it does, false when `timeout` is spent. Every
/// polling wait in the tests goes through here (`waitUntil` and `waitForCondition` only say how a miss is reported).
///
/// The timeout counts only the time in which the test process could run. Swift Testing runs tests on the
/// cooperative pool, which has one thread per core: two on a 2-core CI machine. A test's synchronous work (a
/// debug-build replay or tuning, a shared fixture computed once while the suite's other tests wait for it) can hold
/// both for a minute, and while it does neither the waiting test nor what it waits for (a subscription, a server's
/// handler) can run; a wall-clock bound then fails a test that nothing was wrong with (2026-12-05 CI: a
/// subscription's table did not arrive within 60 s while another suite's fixture held the pool). So each step
/// between two checks counts at most 1 s: a longer step was a stall of the whole process, not time the awaited work
/// had. The timeout only bounds how long a failure takes, hence the generous default.
package func poll(
    every interval: Duration,
    for timeout: Duration = .seconds(60),
    until condition: () async throws -> Bool
) async throws -> Bool {
    let longestStep = Duration.seconds(1)
    var spent = Duration.zero
    var last = ContinuousClock.now
    while try await !condition() {
        let now = ContinuousClock.now
        spent += min(now - last, longestStep)
        last = now
        guard spent < timeout else { return false }
        try await Task.sleep(for: interval)
    }
    return true
}

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
