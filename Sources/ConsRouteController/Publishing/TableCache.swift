package import ConsRouteModel

/// The latest tables of every fleet and the subscribers waiting for the next one.
///
/// Knows nothing about HTTP (after go-control-plane's snapshot cache): handlers, a Kafka producer or a test ask it
/// which table a device should apply and park in `watch` until that changes; server-sent-event streams subscribe
/// with a function that writes a frame on their event loop (`openStream`).
/// Per fleet it holds the active table and an optional canary; versions strictly increase per fleet.
package actor TableCache {
    /// A subscriber parked in `watch`.
    struct Watcher {
        let device: String?
        let after: UInt64
        /// Resumed with the table, or with nil by `pulse()`.
        let continuation: CheckedContinuation<PublishedTable?, any Error>
    }

    var fleets: [String: FleetTables] = [:]
    var watchers: [String: [UInt64: Watcher]] = [:]
    var nextWatcherID: UInt64 = 0
    /// The open server-sent-event streams, per event loop.
    let streams = TableStreamFanout()

    /// An empty cache.
    package init() {}

    /// Publishes `signed` to its fleet, as the active table or the canary by `table.rollout.stage`, wakes every
    /// parked watcher of the fleet that should now apply something newer than it holds, and sends the table to
    /// each such open stream (one task per event loop).
    ///
    /// - Parameter signed: the table; its encodings are made once here and shared by every subscriber.
    /// - Returns: the table as cached.
    /// - Throws: `TableCacheError.versionNotIncreasing` if the version is not above the fleet's latest.
    /// - Complexity: O(w + s) for w parked watchers of the fleet and a table of size s, plus O(l) for l event loops
    ///   with streams; no work per watcher of other fleets.
    @discardableResult
    package func publish(_ signed: SignedTable) throws(TableCacheError) -> PublishedTable {
        let fleet = signed.table.fleet
        var tables = fleets[fleet] ?? FleetTables()
        let published = PublishedTable(signed)
        try tables.add(published)
        fleets[fleet] = tables
        wakeWatchers(of: fleet, tables: tables)
        streams.publish(fleet: fleet, tables: tables)
        return published
    }

    /// The table `device` of `fleet` should apply: the canary iff the device is in its cohort, else the active
    /// table; nil if the fleet has none for it.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, or nil for the active table.
    package func table(fleet: String, device: String?) -> PublishedTable? {
        fleets[fleet]?.table(for: device)
    }

    /// The fleet's active and canary tables (an empty value for an unknown fleet).
    package func tables(fleet: String) -> FleetTables {
        fleets[fleet] ?? FleetTables()
    }

    /// Every fleet that has a table, with its tables, sorted by name.
    package func allFleets() -> [(fleet: String, tables: FleetTables)] {
        fleets.sorted { $0.key < $1.key }.map { (fleet: $0.key, tables: $0.value) }
    }

    /// How many subscribers wait on `fleet` right now: parked watchers and open server-sent-event streams.
    package func watcherCount(fleet: String) -> Int {
        (watchers[fleet]?.count ?? 0) + streams.subscriberCount(fleet: fleet)
    }

    /// Writes a heartbeat to every open server-sent-event stream and wakes every parked watcher of every fleet
    /// without a table: `watchUntilPulse` returns nil; `watch` parks again.
    ///
    /// One call per heartbeat period serves every subscriber, instead of one timer per subscriber.
    /// - Complexity: O(w) for w parked watchers, plus one task per event loop with streams.
    package func pulse() {
        streams.heartbeat()
        let parked = watchers
        watchers = [:]
        for (_, fleetWatchers) in parked {
            for (_, watcher) in fleetWatchers { watcher.continuation.resume(returning: nil) }
        }
    }

    /// Resumes the fleet's watchers whose device should now apply a version above the one it holds; the
    /// others stay parked.
    private func wakeWatchers(of fleet: String, tables: FleetTables) {
        guard let parked = watchers[fleet], !parked.isEmpty else { return }
        var remaining: [UInt64: Watcher] = [:]
        for (id, watcher) in parked {
            if let table = tables.table(for: watcher.device), table.version > watcher.after {
                watcher.continuation.resume(returning: table)
            } else {
                remaining[id] = watcher
            }
        }
        watchers[fleet] = remaining.isEmpty ? nil : remaining
    }
}
