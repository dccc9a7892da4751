import ConsRouteModel

/// One fleet's published tables: the active table for every device and an optional canary for a cohort.
///
/// A pure value: `TableCache` keeps one per fleet and owns the parked watchers.
package struct FleetTables: Sendable {
    /// The table every device outside a canary cohort applies.
    package private(set) var active: PublishedTable?
    /// The canary table for the devices in its cohort (`CanaryCohort.contains`), if a canary is running.
    package private(set) var canary: PublishedTable?
    /// The highest version ever published for the fleet, active or canary.
    package private(set) var latestVersion: UInt64 = 0

    /// An empty fleet.
    package init() {}

    /// Adds `table` as the active table or the canary, by its rollout stage.
    ///
    /// A new active table drops the canary: it is newer than the canary, so the canary was promoted
    /// (published anew as active) or abandoned.
    ///
    /// - Throws: `TableCacheError.versionNotIncreasing` if the version is not above `latestVersion`.
    package mutating func add(_ table: PublishedTable) throws(TableCacheError) {
        guard table.version > latestVersion else {
            throw .versionNotIncreasing(fleet: table.fleet, version: table.version, latest: latestVersion)
        }
        latestVersion = table.version
        switch table.rollout.stage {
        case .active:
            active = table
            canary = nil
        case .canary:
            canary = table
        }
    }

    /// The table `device` should apply: the canary iff the device is in its cohort, else the active table.
    ///
    /// A request without a device id gets the active table.
    /// - Complexity: O(length of the device id), for the cohort hash.
    package func table(for device: String?) -> PublishedTable? {
        if let canary, let device,
            CanaryCohort.contains(deviceID: device, salt: canary.rollout.salt, percent: canary.rollout.percent)
        {
            return canary
        }
        return active
    }
}
