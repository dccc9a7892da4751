public import ConsRouteModel
public import Foundation

/// What a device's router is: its fleet and device id, the representation it computes, the keys it
/// trusts, and where it keeps the last good table.
public struct RouterConfiguration: Sendable {
    /// The fleet whose tables this router applies.
    public var fleet: String
    /// This device's id (selects canary cohorts; reported in telemetry and acknowledgements).
    public var deviceID: String
    /// The local fingerprint; tables with another one are rejected.
    public var fingerprint: Fingerprint
    /// The pinned public keys (several during a key rotation).
    public var trustedKeys: [TableVerifyingKey]
    /// A directory for the last good table (`<fleet>.table.json`); nil keeps it in memory only.
    public var stateDirectory: URL?

    public init(
        fleet: String,
        deviceID: String,
        fingerprint: Fingerprint,
        trustedKeys: [TableVerifyingKey],
        stateDirectory: URL? = nil
    ) {
        self.fleet = fleet
        self.deviceID = deviceID
        self.fingerprint = fingerprint
        self.trustedKeys = trustedKeys
        self.stateDirectory = stateDirectory
    }
}
