/// Offsets a consumer jumped over in one batch, and which of them were lost (docs/design.md §6.1: nothing valid is
/// dropped silently).
///
/// A jump has two causes. Retention deleted the messages before the consumer got there: the consumer's fetch was
/// then out of range and it was reset to the partition's first message, its low watermark, so the skipped offsets
/// lie below the low watermark. Or the offsets still exist but hold nothing a consumer receives: the commit (or
/// abort) markers of transactional producers, one offset per transaction, and the records of aborted
/// transactions. Only offsets below the low watermark are lost.
struct OffsetGaps {
    /// One jump: the offsets `from..<to` of a partition were never consumed.
    struct Gap: Equatable {
        var partition: Int32
        var from: Int64
        var to: Int64

        /// The offsets of the jump no longer in the log, given the partition's low watermark (nil: unknown, so all).
        func lost(lowWatermark: Int64?) -> Int64 {
            guard let lowWatermark else { return to - from }
            return max(0, min(to, lowWatermark) - from)
        }
    }

    private(set) var gaps: [Gap] = []

    /// The partitions with a jump.
    var partitions: Set<Int32> { Set(gaps.map(\.partition)) }

    /// Notes a consumed message.
    ///
    /// - Parameters:
    ///   - consumed: per partition, the offset after the last message consumed in this run (updated).
    ///   - stored: per partition, the stored next offset: the first message after an assignment must not be
    ///     beyond it (it may be below: those messages are replayed).
    mutating func observe(partition: Int32, offset: Int64, consumed: inout [Int32: Int64], stored: [Int32: Int64]) {
        if let expected = consumed[partition] ?? stored[partition], offset > expected {
            gaps.append(Gap(partition: partition, from: expected, to: offset))
        }
        consumed[partition] = offset &+ 1
    }

    /// Messages lost in all, given each partition's low watermark (a partition without one counts every skipped
    /// offset).
    func lost(lowWatermarks: [Int32: Int64]) -> Int {
        gaps.reduce(0) { $0 + Int(clamping: $1.lost(lowWatermark: lowWatermarks[$1.partition])) }
    }
}
