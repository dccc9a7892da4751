import Foundation

/// A table in its signed envelope: `{"key_id": …, "signature": base64(Ed25519(canonical table bytes)),
/// "table": {…}}`, itself written canonically.
///
/// Parsing keeps the table's JSON tree as received, unknown fields included, and the signature is checked
/// over that tree's canonical bytes: a router can verify a table from a newer controller that added fields.
public struct SignedTable: Sendable, Equatable {
    /// The decoded table.
    public let table: ThresholdTable
    /// The id of the key that signed it.
    public let keyID: String
    /// The 64-byte Ed25519 signature.
    public let signature: [UInt8]
    /// The canonical bytes of the table as received: what the signature covers.
    public let signedBytes: [UInt8]
    /// The envelope's canonical bytes, serialised once (published, stored and compared as they are).
    private let envelope: [UInt8]

    /// Signs `table` with `key`.
    ///
    /// - Throws: `TableFormatError` if the table breaks an invariant.
    public init(signing table: ThresholdTable, with key: TableSigningKey) throws(TableFormatError) {
        let json = try table.jsonValue()
        let bytes = json.canonicalBytes()
        self.table = table
        self.keyID = key.keyID
        self.signedBytes = bytes
        self.signature = key.signature(for: bytes)
        self.envelope = Self.envelope(keyID: keyID, signature: signature, table: json)
    }

    /// Parses an envelope. The signature is *not* checked here: use `verifySignature(trusting:)`.
    ///
    /// - Throws: `TableFormatError` naming the envelope or table field at fault.
    public init(envelope bytes: [UInt8]) throws(TableFormatError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw TableFormatError(field: "", reason: "envelope is not JSON: \(error)")
        }
        guard case .object(let members) = root else {
            throw TableFormatError(field: "", reason: "envelope must be an object")
        }
        guard case .string(let keyID)? = members["key_id"], !keyID.isEmpty else {
            throw TableFormatError(field: "key_id", reason: "missing or not a string")
        }
        guard case .string(let encoded)? = members["signature"] else {
            throw TableFormatError(field: "signature", reason: "missing or not a string")
        }
        guard let signature = Data(base64Encoded: encoded), signature.count == 64 else {
            throw TableFormatError(field: "signature", reason: "must be 64 bytes in base64")
        }
        guard let tableJSON = members["table"] else { throw TableFormatError(field: "table", reason: "missing") }
        self.table = try ThresholdTable(json: tableJSON)
        self.keyID = keyID
        self.signature = Array(signature)
        self.signedBytes = tableJSON.canonicalBytes()
        self.envelope = Self.envelope(keyID: keyID, signature: self.signature, table: tableJSON)
    }

    /// The envelope's canonical bytes (what is published and stored).
    public func envelopeBytes() -> [UInt8] { envelope }

    private static func envelope(keyID: String, signature: [UInt8], table: JSONValue) -> [UInt8] {
        JSONValue.object([
            "key_id": .string(keyID),
            "signature": .string(Data(signature).base64EncodedString()),
            "table": table,
        ]).canonicalBytes()
    }

    /// The envelope as a string.
    public func envelopeString() -> String { String(decoding: envelopeBytes(), as: UTF8.self) }

    /// Checks the signature against the pinned key with this envelope's key id.
    ///
    /// - Throws: `SignatureError.unknownKey` if no pinned key has the id, `.invalidSignature` if the
    ///   signature does not match the table bytes.
    public func verifySignature(trusting keys: [TableVerifyingKey]) throws(SignatureError) {
        guard let key = keys.first(where: { $0.keyID == keyID }) else {
            throw .unknownKey(keyID: keyID, trusted: keys.map(\.keyID))
        }
        guard key.isValidSignature(signature, for: signedBytes) else { throw .invalidSignature(keyID: keyID) }
    }

    public static func == (lhs: SignedTable, rhs: SignedTable) -> Bool {
        lhs.envelope == rhs.envelope
    }
}

/// Why a signature was not accepted.
public enum SignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The envelope names a key id that is not pinned.
    case unknownKey(keyID: String, trusted: [String])
    /// The signature does not verify over the table's canonical bytes (tampered or wrong key).
    case invalidSignature(keyID: String)

    public var description: String {
        switch self {
        case .unknownKey(let keyID, let trusted):
            "signed with key \(keyID), which is not trusted (trusted: \(trusted.isEmpty ? "none" : trusted.joined(separator: ", ")))"
        case .invalidSignature(let keyID):
            "signature does not verify with key \(keyID): the table was altered or signed by another key"
        }
    }
}
