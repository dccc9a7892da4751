public import ConsRouteModel

/// The latest tables of every fleet and the subscribers waiting for the next one.
///
/// Knows nothing about transport (after go-control-plane's snapshot cache): HTTP handlers, a Kafka producer or a
/// test ask it which table a device should apply and park in `watch` until that changes.
/// Per fleet it holds the active table and an optional canary; versions strictly increase per fleet.
public actor TableCache {
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

    /// An empty cache.
    public init() {}

    /// Publishes `signed` to its fleet, as the active table or the canary by `table.rollout.stage`, and wakes
    /// every parked watcher of the fleet that should now apply something newer than it holds.
    ///
    /// - Parameter signed: the table; its encodings are made once here and shared by every subscriber.
    /// - Returns: the table as cached.
    /// - Throws: `TableCacheError.versionNotIncreasing` if the version is not above the fleet's latest.
    /// - Complexity: O(w + s) for w parked watchers of the fleet and a table of size s; no work per watcher of
    ///   other fleets.
    @discardableResult
    public func publish(_ signed: SignedTable) throws(TableCacheError) -> PublishedTable {
        let fleet = signed.table.fleet
        var tables = fleets[fleet] ?? FleetTables()
        let published = PublishedTable(signed)
        try tables.add(published)
        fleets[fleet] = tables
        wakeWatchers(of: fleet, tables: tables)
        return published
    }

    /// The table `device` of `fleet` should apply: the canary iff the device is in its cohort, else the active
    /// table; nil if the fleet has none for it.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - device: the device id, or nil for the active table.
    public func table(fleet: String, device: String?) -> PublishedTable? {
        fleets[fleet]?.table(for: device)
    }

    /// The fleet's active and canary tables (an empty value for an unknown fleet).
    public func tables(fleet: String) -> FleetTables {
        fleets[fleet] ?? FleetTables()
    }

    /// Every fleet that has a table, with its tables, sorted by name.
    public func allFleets() -> [(fleet: String, tables: FleetTables)] {
        fleets.sorted { $0.key < $1.key }.map { (fleet: $0.key, tables: $0.value) }
    }

    /// How many watchers are parked on `fleet` right now.
    public func watcherCount(fleet: String) -> Int {
        watchers[fleet]?.count ?? 0
    }

    /// Wakes every parked watcher of every fleet without a table: `watchUntilPulse` returns nil, so a
    /// server-sent-event stream writes its heartbeat; `watch` parks again.
    ///
    /// One call per heartbeat period serves every subscriber, instead of one timer per subscriber.
    /// - Complexity: O(w) for w parked watchers.
    public func pulse() {
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
