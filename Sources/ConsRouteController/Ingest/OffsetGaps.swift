/// Offsets a consumer jumped over in one batch: the messages are gone from the broker (retention, an offset reset),
/// so they are counted as `lost` (docs/design.md §6.1: nothing valid is dropped silently).
struct OffsetGaps {
    /// One jump: the offsets `from..<to` of a partition were never consumed.
    struct Gap: Equatable {
        var partition: Int32
        var from: Int64
        var to: Int64
    }

    private(set) var gaps: [Gap] = []
    /// Messages skipped in all.
    private(set) var lost = 0

    /// Notes a consumed message.
    ///
    /// - Parameters:
    ///   - consumed: per partition, the offset after the last message consumed in this run (updated).
    ///   - stored: per partition, the stored next offset: the first message after an assignment must not be
    ///     beyond it (it may be below: those messages are replayed).
    mutating func observe(partition: Int32, offset: Int64, consumed: inout [Int32: Int64], stored: [Int32: Int64]) {
        if let expected = consumed[partition] ?? stored[partition], offset > expected {
            gaps.append(Gap(partition: partition, from: expected, to: offset))
            lost += Int(clamping: offset - expected)
        }
        consumed[partition] = offset &+ 1
    }
}
