import ConsRouteKafka
import Logging
import Synchronization

/// Commits ingest checkpoints to the consumer group without waiting, in order, and does not lose one that fails.
///
/// The group's committed offsets are where another replica resumes a partition it takes over; a checkpoint stored in
/// this replica's history but never committed would be counted again there. So a commit that fails (the coordinator
/// did not answer in time, a broker error) leaves its partitions pending: they go out again with the next commit,
/// whatever partition that one is for, and `flush` retries what is still pending before partitions are given up
/// (a revocation, a shutdown). Each attempt commits the newest checkpoint of every pending partition; attempts run
/// one at a time, in the order asked.
final class OrderedCommits: Sendable {
    /// Commits offsets with their metadata to the group (`KafkaConsumer.commit(_:)`), throwing when it fails.
    typealias Commit = @Sendable ([KafkaTopicPartition: KafkaCommittedOffset]) async throws -> Void

    private struct State {
        /// The last attempt asked (each waits for the one before).
        var last: Task<Void, Never>?
        /// Per partition, the newest checkpoint not yet known to be committed.
        var pending: [KafkaTopicPartition: KafkaCommittedOffset] = [:]
        /// Whether the last attempt failed (a failure is logged once per run of failures).
        var failing = false
    }

    /// The pause between two tries of `flush`.
    static let retryPause = Duration.milliseconds(500)

    private let send: Commit
    private let logger: Logger
    private let state = Mutex(State())

    init(logger: Logger, commit: @escaping Commit) {
        self.send = commit
        self.logger = logger
    }

    convenience init(consumer: KafkaConsumer, logger: Logger) {
        self.init(logger: logger) { try await consumer.commit($0) }
    }

    /// The checkpoints not yet known to be committed, per partition.
    var pending: [KafkaTopicPartition: KafkaCommittedOffset] { state.withLock { $0.pending } }

    /// Asks for `offsets` (a batch's checkpoint, newer than any earlier one of its partitions) to be committed, with
    /// whatever is still pending from failed attempts, and returns at once.
    func commit(_ offsets: [KafkaTopicPartition: KafkaCommittedOffset]) {
        state.withLock { state in
            state.pending.merge(offsets) { _, newer in newer }
            let previous = state.last
            state.last = Task {
                await previous?.value
                _ = await self.attempt()
            }
        }
    }

    /// Waits for the attempts asked so far, then retries what is still pending, at most `retries` more times.
    ///
    /// Call it from the one task that asks for commits, so none is asked meanwhile.
    ///
    /// - Returns: the partitions whose newest checkpoint is still not committed (empty when all are).
    @discardableResult
    func flush(retries: Int = 3) async -> [KafkaTopicPartition: KafkaCommittedOffset] {
        await state.withLock { $0.last }?.value
        var left = retries
        while left > 0, !(await attempt()) {
            left -= 1
            // A short pause before the next try (a coordinator moving, loading); not cut short by the caller's
            // cancellation: a shutdown is when this commit matters most.
            await Task { try? await Task.sleep(for: Self.retryPause) }.value
        }
        return pending
    }

    /// Forgets the pending checkpoints of partitions this replica no longer owns: committing them now would be
    /// refused, or move the next owner's offset.
    func forget(_ partitions: some Sequence<KafkaTopicPartition>) {
        state.withLock { state in
            for partition in partitions { state.pending[partition] = nil }
        }
    }

    /// Commits everything pending once; true when that commit succeeded (or nothing was pending).
    private func attempt() async -> Bool {
        let offsets = state.withLock { $0.pending }
        guard !offsets.isEmpty else { return true }
        do {
            try await send(offsets)
            state.withLock { state in
                state.failing = false
                // A newer checkpoint asked meanwhile stays pending for its own attempt.
                for (partition, offset) in offsets where state.pending[partition] == offset {
                    state.pending[partition] = nil
                }
            }
            return true
        } catch {
            let first = state.withLock { state in
                defer { state.failing = true }
                return !state.failing
            }
            if first {
                logger.warning(
                    "offsets not committed to the group: sent again with the next commit and before the partitions are given up; until then a replica taking them over would count again what this one stored since the last commit",
                    metadata: ["error": "\(error)", "partitions": "\(offsets.count)"]
                )
            }
            return false
        }
    }
}
