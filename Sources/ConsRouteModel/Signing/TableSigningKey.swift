import Crypto
import Foundation

/// An Ed25519 private key that signs tables, with its key id.
///
/// The key id is the first 8 bytes of SHA-256 over the raw 32-byte public key, in lower-case hex: routers
/// pin public keys by id, so keys can be rotated by trusting the new id before signing with it.
/// `description` never shows the private key.
public struct TableSigningKey: Sendable, CustomStringConvertible {
    let privateKey: Curve25519.Signing.PrivateKey

    /// The key id of the public half.
    public let keyID: String

    /// A fresh random key.
    public init() {
        self.init(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// A key from its raw 32-byte representation.
    ///
    /// - Throws: `KeyFileError.invalidKey` if the bytes are not an Ed25519 private key.
    public init(rawRepresentation: [UInt8]) throws(KeyFileError) {
        do {
            self.init(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation))
        } catch {
            throw KeyFileError.invalidKey("not a 32-byte Ed25519 private key")
        }
    }

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        keyID = TableVerifyingKey.keyID(of: Array(privateKey.publicKey.rawRepresentation))
    }

    /// The public half, for routers to pin.
    public var verifyingKey: TableVerifyingKey {
        TableVerifyingKey(publicKey: privateKey.publicKey)
    }

    /// The raw 32 private bytes (for the key file only).
    public var rawRepresentation: [UInt8] { Array(privateKey.rawRepresentation) }

    /// Signs `bytes` with Ed25519.
    public func signature(for bytes: [UInt8]) -> [UInt8] {
        // Ed25519 signing fails only on an internal error of the crypto library.
        Array(try! privateKey.signature(for: bytes))
    }

    public var description: String { "Ed25519 signing key \(keyID)" }
}

/// An Ed25519 public key that verifies tables, with its key id.
public struct TableVerifyingKey: Sendable, Equatable, CustomStringConvertible {
    let publicKey: Curve25519.Signing.PublicKey

    /// The key id: first 8 bytes of SHA-256 of the raw public key, lower-case hex.
    public let keyID: String

    /// A key from its raw 32-byte representation.
    ///
    /// - Throws: `KeyFileError.invalidKey` if the bytes are not an Ed25519 public key.
    public init(rawRepresentation: [UInt8]) throws(KeyFileError) {
        do {
            self.init(publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation))
        } catch {
            throw KeyFileError.invalidKey("not a 32-byte Ed25519 public key")
        }
    }

    init(publicKey: Curve25519.Signing.PublicKey) {
        self.publicKey = publicKey
        keyID = Self.keyID(of: Array(publicKey.rawRepresentation))
    }

    /// The raw 32 public bytes.
    public var rawRepresentation: [UInt8] { Array(publicKey.rawRepresentation) }

    /// Whether `signature` is a valid Ed25519 signature of `bytes` by this key.
    public func isValidSignature(_ signature: [UInt8], for bytes: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: bytes)
    }

    public var description: String { "Ed25519 public key \(keyID)" }

    public static func == (lhs: TableVerifyingKey, rhs: TableVerifyingKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    static func keyID(of rawPublicKey: [UInt8]) -> String {
        SHA256.hash(data: rawPublicKey).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
