/// Why the table cache refused a publish.
package enum TableCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The version is not above the fleet's latest published version (versions strictly increase per fleet;
    /// a rollback publishes a new version with old content).
    case versionNotIncreasing(fleet: String, version: UInt64, latest: UInt64)

    package var description: String {
        switch self {
        case .versionNotIncreasing(let fleet, let version, let latest):
            "fleet \(fleet): version \(version) is not above the latest published version \(latest); "
                + "publish a higher version (a rollback publishes a new version with the old content)"
        }
    }
}
