import NIOCore

/// One open stream of a `TableStreamFanout`: the handle its response task closes when the stream ends.
struct TableStreamSubscription: Sendable {
    let id: UInt64
    let fleet: String
    let shard: TableStreamFanout.LoopShard
    let fanout: TableStreamFanout

    /// Stops the stream's frames and returns once its loop has removed it, so whatever the caller writes next
    /// (the end of the response) follows the last frame.
    func close() async {
        let (id, fleet, shard, fanout) = (id, fleet, shard, fanout)
        // `submit` only fails when the loop has shut down, and then no frame can follow either.
        try? await shard.eventLoop.submit { fanout.remove(id: id, fleet: fleet, from: shard) }.get()
    }
}
