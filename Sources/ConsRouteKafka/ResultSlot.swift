import Synchronization

/// One result passed from one thread to another.
final class ResultSlot<T: Sendable>: Sendable {
    private let slot = Mutex<Result<T, any Error>?>(nil)

    func store(_ result: Result<T, any Error>) {
        slot.withLock { $0 = result }
    }

    func take() -> Result<T, any Error> {
        slot.withLock { slot in
            guard let result = slot else { preconditionFailure("ResultSlot read before a result was stored") }
            slot = nil
            return result
        }
    }
}
