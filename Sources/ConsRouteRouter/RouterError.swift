/// Why the router rejected a table or could not do what was asked.
///
/// Extensible: new codes can be added without breaking clients that switch over the static members
/// (compare with `==`, which compares the code only). `message` names what exactly is wrong.
public struct RouterError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case malformedTable = "malformed table"
        case wrongFleet = "wrong fleet"
        case untrustedKey = "untrusted key"
        case invalidSignature = "invalid signature"
        case fingerprintMismatch = "fingerprint mismatch"
        case versionNotNewer = "version not newer"
        case conflictingVersion = "conflicting version"
        case expired = "expired"
        case notInCohort = "not in canary cohort"
        case wrongDimension = "wrong dimension"
        case noTable = "no table"
        case storage = "storage"
    }

    private let code: Code
    /// What exactly is wrong, for logs and acknowledgements.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The envelope or table is not valid JSON of the table format.
    public static let malformedTable = RouterError(.malformedTable, "")
    /// The table is for another fleet.
    public static let wrongFleet = RouterError(.wrongFleet, "")
    /// The envelope's key id is not pinned by this router.
    public static let untrustedKey = RouterError(.untrustedKey, "")
    /// The signature does not verify: the table was altered or signed by another key.
    public static let invalidSignature = RouterError(.invalidSignature, "")
    /// The table's fingerprint differs from the router's.
    public static let fingerprintMismatch = RouterError(.fingerprintMismatch, "")
    /// The table's version is lower than the one held.
    public static let versionNotNewer = RouterError(.versionNotNewer, "")
    /// The held version arrived again with different content.
    public static let conflictingVersion = RouterError(.conflictingVersion, "")
    /// The table expired before it arrived.
    public static let expired = RouterError(.expired, "")
    /// A canary table for a cohort this device is not in.
    public static let notInCohort = RouterError(.notInCohort, "")
    /// A representation of the wrong length was passed to `route`.
    public static let wrongDimension = RouterError(.wrongDimension, "")
    /// No table has been applied yet.
    public static let noTable = RouterError(.noTable, "")
    /// The last good table could not be read or written.
    public static let storage = RouterError(.storage, "")

    /// This error with a message naming the specifics.
    func with(_ message: String) -> RouterError { RouterError(code, message) }

    public var description: String { message.isEmpty ? code.rawValue : "\(code.rawValue): \(message)" }

    public static func == (lhs: RouterError, rhs: RouterError) -> Bool { lhs.code == rhs.code }
}
