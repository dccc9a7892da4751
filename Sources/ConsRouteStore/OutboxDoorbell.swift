import Synchronization

/// Wakes whoever waits for an outbox: `ring()` after a transaction that wrote to it commits, `wait(atMost:)` in the
/// forwarder. A ring while nobody waits is kept (one at most) for the next wait. (An `AsyncStream` will not do: a
/// cancelled wait, which every timed-out wait is, finishes the stream for good.)
final class OutboxDoorbell: Sendable {
    private struct State {
        var rung = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Wakes every waiter, or, when there is none, the next wait.
    func ring() {
        let waiters = state.withLock { state in
            let waiters = state.waiters.values
            state.waiters = [:]
            if waiters.isEmpty { state.rung = true }
            return Array(waiters)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when rung since the last wait (at once if it was), after `timeout`, or when the task is cancelled.
    func wait(atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
