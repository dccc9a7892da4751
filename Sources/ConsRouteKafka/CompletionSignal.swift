import Synchronization

/// Fires once (a thread finished); any number of tasks await it.
final class CompletionSignal: Sendable {
    private let state = Mutex<(isDone: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Marks completion and resumes every waiter.
    func fire() {
        let waiters = state.withLock { state in
            state.isDone = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `fire()` has been called.
    func wait() async {
        await withCheckedContinuation { continuation in
            let isDone = state.withLock { state in
                if !state.isDone { state.waiters.append(continuation) }
                return state.isDone
            }
            if isDone { continuation.resume() }
        }
    }
}
