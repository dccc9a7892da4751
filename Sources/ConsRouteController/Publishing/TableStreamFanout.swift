import ConsRouteModel
import NIOCore
import Synchronization

/// Every open server-sent-event stream, grouped by the event loop its connection runs on.
///
/// `TableCache` owns one and calls it from inside the actor, so a subscription and the publishes around it reach a
/// loop in the cache's order: a stream never misses a table published while it subscribed, and never gets one twice.
/// A publish is one task per event loop that writes the table's one shared frame to each stream of the fleet.
final class TableStreamFanout: Sendable {
    /// The shard of one event loop, with its loop.
    struct LoopShard: Sendable {
        let eventLoop: any EventLoop
        let box: NIOLoopBoundBox<TableStreamShard>
    }

    private struct State {
        var shards: [ObjectIdentifier: LoopShard] = [:]
        var counts: [String: Int] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The comment frame every stream gets at each heartbeat.
    static let heartbeatFrame = StreamFrame(ByteBuffer(bytes: ServerSentEvent.comment("heartbeat")))

    /// Opens a stream on `eventLoop`; its first frame is the table `device` should apply if that is newer than
    /// `held`.
    ///
    /// - Parameters:
    ///   - fleet: the fleet to follow.
    ///   - device: the device id, which selects a canary cohort; nil for the active table.
    ///   - held: the version the client holds (0 for none).
    ///   - current: the fleet's tables now (nil: none yet).
    ///   - eventLoop: the loop `deliver` must be called on (the connection's).
    ///   - deliver: writes one frame to the stream.
    /// - Returns: the subscription, to close when the stream ends.
    func subscribe(
        fleet: String,
        device: String?,
        held: UInt64,
        current: FleetTables?,
        on eventLoop: any EventLoop,
        deliver: @escaping @Sendable (StreamFrame) -> Void
    ) -> TableStreamSubscription {
        let (id, shard) = state.withLock { state in
            let id = state.nextID
            state.nextID &+= 1
            state.counts[fleet, default: 0] += 1
            let key = ObjectIdentifier(eventLoop)
            if let shard = state.shards[key] { return (id, shard) }
            let shard = LoopShard(
                eventLoop: eventLoop,
                box: .makeBoxSendingValue(TableStreamShard(), eventLoop: eventLoop)
            )
            state.shards[key] = shard
            return (id, shard)
        }
        let subscriber = TableStreamShard.Subscriber(device: device, held: held, deliver: deliver)
        eventLoop.execute { shard.box.value.add(subscriber, id: id, fleet: fleet, current: current) }
        return TableStreamSubscription(id: id, fleet: fleet, shard: shard, fanout: self)
    }

    /// Sends the fleet's newly published tables to its streams on every loop.
    ///
    /// - Complexity: O(l) here for l event loops; each loop then does O(s) for its s streams of the fleet.
    func publish(fleet: String, tables: FleetTables) {
        for shard in shards() {
            shard.eventLoop.execute { shard.box.value.deliver(fleet: fleet, tables: tables) }
        }
    }

    /// Writes a heartbeat to every open stream.
    func heartbeat() {
        for shard in shards() {
            shard.eventLoop.execute { shard.box.value.broadcast(Self.heartbeatFrame) }
        }
    }

    /// How many streams of `fleet` are open (subscribed and not yet closed).
    func subscriberCount(fleet: String) -> Int {
        state.withLock { $0.counts[fleet] ?? 0 }
    }

    /// Removes a stream on its loop; `TableStreamSubscription.close()` calls it.
    func remove(id: UInt64, fleet: String, from shard: LoopShard) {
        guard shard.box.value.remove(id: id, fleet: fleet) else { return }
        state.withLock { state in
            let count = (state.counts[fleet] ?? 1) - 1
            state.counts[fleet] = count > 0 ? count : nil
        }
    }

    private func shards() -> [LoopShard] {
        state.withLock { Array($0.shards.values) }
    }
}
