import Synchronization

/// Admits senders while the producer is open and makes them wait, without blocking a thread, while the
/// client's queue is full; the poll thread reopens it after each round of delivery reports.
final class ProducerAdmission: Sendable {
    private struct State: ~Copyable {
        var generation: UInt64 = 0
        var waiters: [CheckedContinuation<Bool, Never>] = []
        var activeSenders = 0
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Registers a sender; `false` once the producer is closed.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.activeSenders += 1
            return true
        }
    }

    /// Unregisters a sender.
    func leave() {
        state.withLock { $0.activeSenders -= 1 }
    }

    /// True while some sender is between `enter()` and `leave()`.
    var hasActiveSenders: Bool { state.withLock { $0.activeSenders > 0 } }

    /// Increases after every round of delivery reports; read it before trying to enqueue.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Waits until deliveries freed room since `generation` was read.
    ///
    /// - Parameter generation: The value of `generation` read before the enqueue that found the queue full.
    /// - Returns: `false` if the producer closed meanwhile.
    func waitForRoom(after generation: UInt64) async -> Bool {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> Bool? in
                if state.isClosed { return false }
                if state.generation != generation { return true }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Called by the poll thread after delivery reports were served: wakes every waiting sender.
    func roomFreed() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Refuses new senders and wakes the waiting ones, who then give up.
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }
}
