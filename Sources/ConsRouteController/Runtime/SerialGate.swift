import Synchronization

/// A first-in, first-out asynchronous lock: `run` bodies execute one at a time, in the order they arrived, even
/// across their suspension points (an actor would let a second call in while the first awaits the broker or the
/// history). A body must not call `run` on the same gate: it would wait for itself.
final class SerialGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Callers waiting for the gate.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Runs `body` once every body that arrived before it has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let enter = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if enter { continuation.resume() }
        }
    }

    /// Hands the gate to the longest-waiting caller (it stays busy), or opens it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
