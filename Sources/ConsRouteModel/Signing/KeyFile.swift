import Foundation

/// Why a key file could not be used.
public enum KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a consroute key file (the reason names what is missing or wrong).
    case malformed(String)
    /// The key bytes are not a valid Ed25519 key.
    case invalidKey(String)
    /// The stored key id does not match the key (the file was edited or mixed up).
    case keyIDMismatch(stored: String, actual: String)

    public var description: String {
        switch self {
        case .malformed(let reason): "not a consroute key file: \(reason)"
        case .invalidKey(let reason): "invalid key: \(reason)"
        case .keyIDMismatch(let stored, let actual): "key file says key_id \(stored) but the key's id is \(actual)"
        }
    }
}

/// The key file formats written by `consroute keygen`: small JSON documents.
///
/// Private: `{"algorithm":"ed25519","key_id":"…","private_key":"<base64 32 bytes>"}` (keep it mode 0600).
/// Public: `{"algorithm":"ed25519","key_id":"…","public_key":"<base64 32 bytes>"}`.
public enum KeyFile {
    /// The private key file's bytes.
    public static func privateKeyFile(_ key: TableSigningKey) -> [UInt8] {
        JSONValue.object([
            "algorithm": .string("ed25519"), "key_id": .string(key.keyID),
            "private_key": .string(Data(key.rawRepresentation).base64EncodedString()),
        ]).canonicalBytes() + [0x0A]
    }

    /// The public key file's bytes.
    public static func publicKeyFile(_ key: TableVerifyingKey) -> [UInt8] {
        JSONValue.object([
            "algorithm": .string("ed25519"), "key_id": .string(key.keyID),
            "public_key": .string(Data(key.rawRepresentation).base64EncodedString()),
        ]).canonicalBytes() + [0x0A]
    }

    /// Reads a private key file.
    ///
    /// - Throws: `KeyFileError` naming what is wrong.
    public static func signingKey(from bytes: [UInt8]) throws(KeyFileError) -> TableSigningKey {
        let (raw, keyID) = try fields(bytes, keyField: "private_key")
        let key = try TableSigningKey(rawRepresentation: raw)
        guard key.keyID == keyID else { throw .keyIDMismatch(stored: keyID, actual: key.keyID) }
        return key
    }

    /// Reads a public key file.
    ///
    /// - Throws: `KeyFileError` naming what is wrong.
    public static func verifyingKey(from bytes: [UInt8]) throws(KeyFileError) -> TableVerifyingKey {
        let (raw, keyID) = try fields(bytes, keyField: "public_key")
        let key = try TableVerifyingKey(rawRepresentation: raw)
        guard key.keyID == keyID else { throw .keyIDMismatch(stored: keyID, actual: key.keyID) }
        return key
    }

    private static func fields(_ bytes: [UInt8], keyField: String) throws(KeyFileError) -> ([UInt8], String) {
        guard case .object(let members)? = try? JSONValue.parse(bytes) else { throw .malformed("not a JSON object") }
        guard case .string("ed25519")? = members["algorithm"] else { throw .malformed("algorithm must be \"ed25519\"") }
        guard case .string(let keyID)? = members["key_id"] else { throw .malformed("key_id is missing") }
        guard case .string(let encoded)? = members[keyField] else { throw .malformed("\(keyField) is missing") }
        guard let raw = Data(base64Encoded: encoded) else { throw .malformed("\(keyField) is not base64") }
        return (Array(raw), keyID)
    }
}
