import Dispatch
import Synchronization

/// A bounded hand-off from one producing thread to one async reader, with back-pressure.
///
/// The producing thread (never a cooperative-pool thread) blocks in `push` while `capacity` elements wait,
/// so memory stays bounded however slow the reader is; once blocked it resumes when the queue is half empty. The reader awaits `next()` without blocking a thread.
/// Either side can end it: the writer with `finish(throwing:)` (the reader drains what is queued, then sees the
/// end or the error), the reader with `cancel()` (queued elements are dropped and a blocked writer wakes up).
final class BoundedEventBuffer<Element: Sendable>: Sendable {
    private struct State: ~Copyable {
        var queue: [Element] = []
        var reader: CheckedContinuation<Element?, any Error>?
        var blockedWriter: DispatchSemaphore?
        var acknowledgementWaiter: DispatchSemaphore?
        var isFinished = false
        var isCancelled = false
        var failure: KafkaError?
        var peakCount = 0
    }

    private enum ReadAction {
        case deliver(Element, wake: DispatchSemaphore?)
        case end
        case fail(KafkaError)
        case suspend(wake: DispatchSemaphore?)
    }

    private enum WriteAction {
        case rejected
        case handedOver(CheckedContinuation<Element?, any Error>)
        case queued
        case wait(DispatchSemaphore)
    }

    /// The most elements that wait for the reader before `push` blocks.
    let capacity: Int
    /// A blocked writer is woken only once the queue is down to this many, so that on a busy machine the two
    /// threads do not wake each other for every element (each wake-up can cost a scheduler time slice).
    private let resumeThreshold: Int
    private let state = Mutex(State())

    /// Makes an empty buffer.
    ///
    /// - Parameter capacity: The most queued elements; at least 1.
    init(capacity: Int) {
        precondition(capacity >= 1, "BoundedEventBuffer needs a capacity of at least 1")
        self.capacity = capacity
        self.resumeThreshold = capacity / 2
    }

    /// Elements waiting for the reader now.
    var count: Int { state.withLock { $0.queue.count } }

    /// The most elements that ever waited at once; never above `capacity`.
    var peakCount: Int { state.withLock { $0.peakCount } }

    /// True once the reader cancelled; the writer should stop producing.
    var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Hands `element` to the reader, blocking the calling thread while the buffer is full.
    ///
    /// - Parameter element: The element to deliver.
    /// - Returns: `false` if the buffer was finished or cancelled and the element was dropped.
    func push(_ element: Element) -> Bool {
        while true {
            let action = state.withLock { state -> WriteAction in
                if state.isFinished || state.isCancelled { return .rejected }
                if let reader = state.reader {
                    state.reader = nil
                    return .handedOver(reader)
                }
                if state.queue.count < capacity {
                    state.queue.append(element)
                    state.peakCount = max(state.peakCount, state.queue.count)
                    return .queued
                }
                let semaphore = DispatchSemaphore(value: 0)
                state.blockedWriter = semaphore
                return .wait(semaphore)
            }
            switch action {
            case .rejected: return false
            case .handedOver(let reader):
                reader.resume(returning: element)
                return true
            case .queued: return true
            case .wait(let semaphore): semaphore.wait()
            }
        }
    }

    /// Blocks the writer until the reader has taken everything queued and asked for more (or cancelled).
    ///
    /// Used after pushing an event the reader must act on before the writer goes on, e.g. a revocation.
    func waitForAcknowledgement() {
        let semaphore = state.withLock { state -> DispatchSemaphore? in
            if state.isCancelled || (state.queue.isEmpty && state.reader != nil) { return nil }
            let semaphore = DispatchSemaphore(value: 0)
            state.acknowledgementWaiter = semaphore
            return semaphore
        }
        semaphore?.wait()
    }

    /// Ends the sequence from the writer's side: queued elements are still delivered, then the end or `failure`.
    ///
    /// - Parameter failure: The error the reader sees after the last element, if any.
    func finish(throwing failure: KafkaError? = nil) {
        let reader = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
            guard !state.isFinished else { return nil }
            state.isFinished = true
            state.failure = failure
            guard state.queue.isEmpty, let reader = state.reader else { return nil }
            state.reader = nil
            state.failure = nil
            return reader
        }
        guard let reader else { return }
        if let failure { reader.resume(throwing: failure) } else { reader.resume(returning: nil) }
    }

    /// Ends the sequence from the reader's side: drops queued elements and wakes a blocked writer.
    func cancel() {
        let (reader, writer, acknowledgement) = state.withLock { state in
            state.isCancelled = true
            state.queue.removeAll()
            defer { (state.reader, state.blockedWriter, state.acknowledgementWaiter) = (nil, nil, nil) }
            return (state.reader, state.blockedWriter, state.acknowledgementWaiter)
        }
        reader?.resume(returning: nil)
        writer?.signal()
        acknowledgement?.signal()
    }

    /// The next element, suspending until the writer pushes one; `nil` at the end. Cancelling the task cancels
    /// the buffer.
    ///
    /// - Throws: The writer's `finish(throwing:)` error, after every queued element.
    func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let action = state.withLock { state -> ReadAction in
                    if !state.queue.isEmpty {
                        let element = state.queue.removeFirst()
                        guard state.queue.count <= resumeThreshold else { return .deliver(element, wake: nil) }
                        defer { state.blockedWriter = nil }
                        return .deliver(element, wake: state.blockedWriter)
                    }
                    if state.isCancelled { return .end }
                    if state.isFinished {
                        defer { state.failure = nil }
                        return state.failure.map(ReadAction.fail) ?? .end
                    }
                    state.reader = continuation
                    defer { state.acknowledgementWaiter = nil }
                    return .suspend(wake: state.acknowledgementWaiter)
                }
                switch action {
                case .deliver(let element, let writer):
                    writer?.signal()
                    continuation.resume(returning: element)
                case .end:
                    continuation.resume(returning: nil)
                case .fail(let failure):
                    continuation.resume(throwing: failure)
                case .suspend(let acknowledgement):
                    acknowledgement?.signal()
                }
            }
        } onCancel: {
            cancel()
        }
    }
}
