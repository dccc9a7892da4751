/// How long a test waits for something, counting only the time in which the test process could run.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core: two on a 2-core CI machine. A
/// test's synchronous work (a debug-build replay or tuning, a shared fixture computed once while the suite's other
/// tests wait for it) can hold both for a minute, and while it does neither the waiting test nor what it waits for
/// (a subscription, a server's handler) can run. A wall-clock bound then fails a test that nothing was wrong with
/// (2026-12-05 CI: a subscription's table did not arrive within 60 s while another suite's fixture held the pool).
/// So each step between two checks counts at most `longestStep`; a step that took longer was a stall of the whole
/// process, not time the awaited work had.
package struct WaitBudget: Sendable {
    /// At most this much of one step between checks counts against the budget.
    package static let longestStep: Duration = .seconds(1)

    /// The time allowed.
    package let budget: Duration
    /// The time counted so far.
    package private(set) var spent: Duration = .zero
    /// The wall time since the start, stalls included.
    package var elapsed: Duration { ContinuousClock.now - start }
    private let start = ContinuousClock.now
    private var last = ContinuousClock.now

    /// A budget of `budget`, starting now.
    package init(_ budget: Duration) {
        self.budget = budget
    }

    /// Counts the time since the last check (at most `longestStep`) and tells whether the budget still has some.
    package mutating func remains() -> Bool {
        let now = ContinuousClock.now
        spent += min(now - last, Self.longestStep)
        last = now
        return spent < budget
    }

    /// "`budget` (`elapsed` of wall time)", for a failure's message.
    package var description: String { "\(budget) (\(elapsed) of wall time)" }
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
