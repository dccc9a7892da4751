import Synchronization

/// Each device's latest acknowledgement per fleet, for a fleet's convergence: how many devices apply the active
/// version. Kept in memory (one small entry per device); after a restart it fills again as devices acknowledge
/// their next table. The durable per-version counts are in history (`table_acknowledgement`).
package final class AcknowledgementTally: Sendable {
    /// A fleet's convergence on a version.
    package struct Convergence: Sendable, Equatable {
        /// Devices that acknowledged any version.
        package var devices: Int
        /// Devices whose latest applied version is the active one.
        package var onActive: Int
        /// Devices per version they apply now.
        package var byVersion: [UInt64: Int]
        /// `onActive / devices` (0 without devices).
        package var share: Double { devices > 0 ? Double(onActive) / Double(devices) : 0 }
    }

    /// Per fleet, per device: the version it applies (0: none yet).
    private let latest = Mutex<[String: [String: UInt64]]>([:])

    package init() {}

    /// Records one acknowledgement: an applied version becomes the device's current one; a rejection leaves
    /// the device on what it had.
    package func record(fleet: String, device: String, version: UInt64, applied: Bool) {
        latest.withLock { latest in
            let current = latest[fleet]?[device] ?? 0
            if applied, version >= current {
                latest[fleet, default: [:]][device] = version
            } else if latest[fleet]?[device] == nil {
                latest[fleet, default: [:]][device] = 0
            }
        }
    }

    /// The fleet's convergence on `activeVersion`.
    ///
    /// - Complexity: O(devices of the fleet).
    package func convergence(fleet: String, activeVersion: UInt64?) -> Convergence {
        latest.withLock { latest in
            let devices = latest[fleet] ?? [:]
            var byVersion: [UInt64: Int] = [:]
            for (_, version) in devices where version > 0 { byVersion[version, default: 0] += 1 }
            let onActive = activeVersion.map { byVersion[$0] ?? 0 } ?? 0
            return Convergence(devices: devices.count, onActive: onActive, byVersion: byVersion)
        }
    }
}
