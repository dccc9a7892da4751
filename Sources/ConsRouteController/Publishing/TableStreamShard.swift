import NIOCore

/// The open table streams of one event loop, used only on that loop (`TableStreamFanout` keeps it in a
/// `NIOLoopBoundBox`).
///
/// A publish reaches a shard as one event-loop task that writes the shared frame to every stream of the fleet whose
/// device should now apply something newer than it holds: one hop per loop and publish, no task wake-up per
/// subscriber.
final class TableStreamShard {
    /// One open stream.
    struct Subscriber {
        /// The device id, which selects a canary cohort; nil for the active table.
        let device: String?
        /// The newest version written to the stream (or held by the client when it connected).
        var held: UInt64
        /// Writes a frame to the stream; called on the shard's event loop.
        let deliver: @Sendable (StreamFrame) -> Void
    }

    private var fleets: [String: [UInt64: Subscriber]] = [:]

    /// Adds a stream and writes at once the table its device should apply if that is newer than it holds.
    ///
    /// - Parameters:
    ///   - subscriber: the stream.
    ///   - id: its id in the fan-out.
    ///   - fleet: the fleet it follows.
    ///   - current: the fleet's tables at the moment it subscribed (nil: none yet).
    func add(_ subscriber: Subscriber, id: UInt64, fleet: String, current: FleetTables?) {
        var subscriber = subscriber
        if let current { Self.catchUp(&subscriber, with: current) }
        fleets[fleet, default: [:]][id] = subscriber
    }

    /// Removes a stream.
    ///
    /// - Returns: whether it was open (false when it was removed before).
    func remove(id: UInt64, fleet: String) -> Bool {
        guard fleets[fleet]?.removeValue(forKey: id) != nil else { return false }
        if fleets[fleet]?.isEmpty == true { fleets[fleet] = nil }
        return true
    }

    /// Writes the fleet's newly published tables to each of its streams whose device should apply a version above
    /// the one it holds.
    ///
    /// - Complexity: O(s) for s streams of the fleet on this loop; nothing for other fleets' streams.
    func deliver(fleet: String, tables: FleetTables) {
        // Taken out while writing, so that updating the held versions mutates it in place rather than a copy.
        guard var subscribers = fleets.removeValue(forKey: fleet) else { return }
        for index in subscribers.values.indices { Self.catchUp(&subscribers.values[index], with: tables) }
        fleets[fleet] = subscribers
    }

    /// Writes `frame` to every stream of every fleet on this loop.
    func broadcast(_ frame: StreamFrame) {
        for subscribers in fleets.values {
            for subscriber in subscribers.values { subscriber.deliver(frame) }
        }
    }

    /// How many streams of `fleet` are open on this loop.
    func count(fleet: String) -> Int {
        fleets[fleet]?.count ?? 0
    }

    private static func catchUp(_ subscriber: inout Subscriber, with tables: FleetTables) {
        guard let table = tables.table(for: subscriber.device), table.version > subscriber.held else { return }
        subscriber.held = table.version
        subscriber.deliver(table.streamFrame)
    }
}
