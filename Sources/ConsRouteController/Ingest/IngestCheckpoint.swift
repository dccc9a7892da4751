/// The commit metadata ingestion keeps with each partition's offset in the consumer group: where a replica that
/// takes the partition over starts re-reading it to rebuild the dedupe window and the fleet's window (the replay
/// offset this replica keeps in its history next to the offset). Text, `replay=<offset>`, so tools show it.
struct IngestCheckpoint: Equatable {
    var replayOffset: Int64?

    init(replayOffset: Int64?) {
        self.replayOffset = replayOffset
    }

    /// Parses commit metadata; nil when it is not an ingest checkpoint (another tool committed, or nothing).
    init?(metadata: String) {
        guard metadata.hasPrefix("replay=") else { return nil }
        let value = metadata.dropFirst("replay=".count)
        if value.isEmpty {
            replayOffset = nil
        } else {
            guard let offset = Int64(value), offset >= 0 else { return nil }
            replayOffset = offset
        }
    }

    var metadata: String { "replay=" + (replayOffset.map(String.init) ?? "") }
}
