/// Everything one consumed batch of telemetry and acknowledgements changes in the history, applied
/// atomically by ``HistoryStore/apply(_:)``.
///
/// Storing the consumer offsets in the same transaction as the state they produced makes ingest exactly-once
/// in effect: after a crash the consumer resumes from ``HistoryStore/storedOffsets(group:topic:)`` and every
/// event is counted once.
public struct IngestEffect: Sendable, Hashable {
    /// Statistics deltas, added to the stored buckets. Several deltas may share a key; they all add.
    public var statistics: [WindowStatisticsBucket]
    /// Acknowledgement count deltas, added to the stored counts.
    public var acknowledgements: [AcknowledgementDelta]
    /// The offsets the batch advanced to, each above the stored offset of its partition (name a partition only
    /// when the batch consumed from it).
    public var offsets: [ConsumerOffset]
    /// Rejected messages bound for the dead-letter topic, written to the outbox in the same transaction so
    /// that a crash can neither lose nor repeat them (`pendingDeadLetters`, `removeDeadLetters`).
    public var deadLetters: [DeadLetterRecord]

    /// Creates an effect.
    /// - Parameters:
    ///   - statistics: Statistics deltas.
    ///   - acknowledgements: Acknowledgement count deltas.
    ///   - offsets: The offsets the batch advanced to.
    public init(
        statistics: [WindowStatisticsBucket] = [],
        acknowledgements: [AcknowledgementDelta] = [],
        offsets: [ConsumerOffset] = [],
        deadLetters: [DeadLetterRecord] = []
    ) {
        self.statistics = statistics
        self.acknowledgements = acknowledgements
        self.offsets = offsets
        self.deadLetters = deadLetters
    }

    /// True when applying the effect would change nothing.
    public var isEmpty: Bool {
        statistics.isEmpty && acknowledgements.isEmpty && offsets.isEmpty && deadLetters.isEmpty
    }
}
