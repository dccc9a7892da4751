package import ConsRouteModel
package import ConsRouteStore

/// Turns batches of raw telemetry messages into their effect: accepted events, dead letters, rejection
/// counts, window-statistics deltas and the offsets the batch advanced (docs/design.md §4, §6.1).
///
/// Pure and single-threaded: the caller runs it on its ingest thread, writes `statistics` and
/// `nextOffsets` to history in one transaction (exactly-once effect) and produces `deadLetters` to the DLQ.
/// Duplicates (an `event_id` already in the partition's dedupe window) are counted once and dropped: they
/// are not errors of the sender, so they do not go to the DLQ.
package struct IngestProcessor: Sendable {
    /// What one batch did.
    package struct BatchResult: Sendable {
        /// Valid, first-seen events in consumption order (for window state and drift detection).
        package var accepted: [TelemetryEvent] = []
        /// Invalid messages with their original bytes and reason.
        package var deadLetters: [DeadLetter] = []
        /// Rejections by code, duplicates included.
        package var rejections: [String: Int] = [:]
        /// Statistics deltas of the accepted events, one per fleet, cluster, tier and time bucket.
        package var statistics: [WindowStatisticsBucket] = []
        /// Per partition, the offset after the last message of the batch.
        package var nextOffsets: [Int32: Int64] = [:]
        /// Messages in the batch.
        package var messages = 0
    }

    package let decoder: TelemetryDecoder
    package let dedupeCapacity: Int
    private var windows: [Int32: DedupeWindow] = [:]
    private var statistics: WindowStatistics

    /// - Parameters:
    ///   - decoder: validates messages against the configured fleets.
    ///   - dedupeCapacity: distinct event ids remembered per partition.
    ///   - bucketWidthMs: width of a statistics time bucket.
    package init(decoder: TelemetryDecoder, dedupeCapacity: Int = 1_000_000, bucketWidthMs: Int64 = 60_000) {
        self.decoder = decoder
        self.dedupeCapacity = dedupeCapacity
        statistics = WindowStatistics(bucketWidthMs: bucketWidthMs)
    }

    /// Processes one batch.
    ///
    /// - Complexity: O(total bytes); one allocation per accepted event (its representation).
    package mutating func process<Messages: Collection>(_ messages: Messages) -> BatchResult
    where Messages.Element == IngestMessage {
        var result = BatchResult()
        result.messages = messages.count
        result.accepted.reserveCapacity(messages.count)
        for message in messages {
            result.nextOffsets[message.partition] = message.offset + 1
            switch decode(message) {
            case .success(let event):
                if windows[message.partition, default: DedupeWindow(capacity: dedupeCapacity)]
                    .insert(event.eventID, tag: message.offset)
                {
                    statistics.add(event)
                    result.accepted.append(event)
                } else {
                    result.rejections["duplicate", default: 0] += 1
                }
            case .failure(let rejection):
                result.rejections[rejection.code, default: 0] += 1
                result.deadLetters.append(
                    DeadLetter(
                        partition: message.partition,
                        offset: message.offset,
                        value: message.value,
                        contentType: message.contentType,
                        reason: TelemetryRejectionReason(code: rejection.code, description: rejection.description)
                    )
                )
            }
        }
        result.statistics = statistics.drain()
        return result
    }

    /// Re-reads messages that were already counted, to rebuild the dedupe windows after a restart: nothing is
    /// counted or dead-lettered. Returns the valid events, for rebuilding other window state.
    package mutating func replay<Messages: Collection>(_ messages: Messages) -> [TelemetryEvent]
    where Messages.Element == IngestMessage {
        var events: [TelemetryEvent] = []
        for message in messages {
            guard case .success(let event) = decode(message) else { continue }
            if windows[message.partition, default: DedupeWindow(capacity: dedupeCapacity)]
                .insert(event.eventID, tag: message.offset)
            {
                events.append(event)
            }
        }
        return events
    }

    /// Forgets a partition's dedupe window (the partition was revoked: another replica owns it now).
    package mutating func dropPartition(_ partition: Int32) {
        windows[partition] = nil
    }

    /// The offset to re-read a partition from to rebuild its dedupe window (the oldest id's offset), or
    /// nil if the window is empty.
    package func replayStartOffset(partition: Int32) -> Int64? {
        windows[partition]?.oldestTag
    }

    private func decode(_ message: IngestMessage) -> Result<TelemetryEvent, TelemetryRejection> {
        decoder.decode(
            message.value,
            format: TelemetryDecoder.Format(contentType: message.contentType),
            referenceTimeMs: message.referenceTimeMs
        )
    }
}
