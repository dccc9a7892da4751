import ConsRouteModel
import Foundation
import Testing

@Suite("Signed envelopes and key files")
struct SigningTests {
    let key = TableSigningKey()

    @Test("a signed table verifies with the pinned key and round-trips byte for byte")
    func signAndVerify() throws {
        let signed = try SignedTable(signing: Fixtures.table(), with: key)
        let parsed = try SignedTable(envelope: signed.envelopeBytes())
        try parsed.verifySignature(trusting: [key.verifyingKey])
        #expect(parsed.table == Fixtures.table())
        #expect(parsed.envelopeBytes() == signed.envelopeBytes())
        #expect(parsed.keyID == key.keyID && key.keyID.count == 16)
    }

    @Test("a tampered table fails with invalidSignature")
    func tampered() throws {
        let envelope = try SignedTable(signing: Fixtures.table(), with: key).envelopeString()
        let tampered = envelope.replacingOccurrences(of: "\"version\":3", with: "\"version\":4")
        #expect(tampered != envelope)
        let parsed = try SignedTable(envelope: Array(tampered.utf8))
        #expect(throws: SignatureError.invalidSignature(keyID: key.keyID)) {
            try parsed.verifySignature(trusting: [key.verifyingKey])
        }
    }

    @Test("a signature by an unpinned key fails with unknownKey naming both ids")
    func wrongKeyID() throws {
        let other = TableSigningKey()
        let parsed = try SignedTable(envelope: SignedTable(signing: Fixtures.table(), with: other).envelopeBytes())
        do {
            try parsed.verifySignature(trusting: [key.verifyingKey])
            Issue.record("accepted a table signed by an unpinned key")
        } catch {
            #expect(error == .unknownKey(keyID: other.keyID, trusted: [key.keyID]))
            #expect("\(error)".contains(other.keyID) && "\(error)".contains(key.keyID))
        }
    }

    @Test("a valid signature under a forged key id is still rejected")
    func forgedKeyID() throws {
        let other = TableSigningKey()
        let envelope = try SignedTable(signing: Fixtures.table(), with: other).envelopeString()
            .replacingOccurrences(of: other.keyID, with: key.keyID)
        let parsed = try SignedTable(envelope: Array(envelope.utf8))
        #expect(throws: SignatureError.invalidSignature(keyID: key.keyID)) {
            try parsed.verifySignature(trusting: [key.verifyingKey])
        }
    }

    @Test("fields unknown to this version are covered by the signature and ignored by the model")
    func forwardCompatible() throws {
        guard case .object(var members) = try Fixtures.table().jsonValue() else {
            throw TableFormatError(field: "", reason: "not an object")
        }
        members["added_in_v2"] = .array([.number("1.5"), .string("x")])
        let tableJSON = JSONValue.object(members)
        let signature = key.signature(for: tableJSON.canonicalBytes())
        let envelope = JSONValue.object([
            "key_id": .string(key.keyID), "signature": .string(Data(signature).base64EncodedString()),
            "table": tableJSON,
        ]).canonicalBytes()
        let parsed = try SignedTable(envelope: envelope)
        try parsed.verifySignature(trusting: [key.verifyingKey])
        #expect(parsed.table == Fixtures.table())
        #expect(parsed.envelopeBytes() == envelope)
    }

    @Test(
        "malformed envelopes name the field",
        arguments: [
            (#"{"signature":"","table":{}}"#, "key_id"),
            (#"{"key_id":"k","signature":"AAAA","table":{}}"#, "signature"),
            (#"{"key_id":"k","signature":"#, ""),
        ]
    )
    func malformedEnvelope(input: String, field: String) {
        do {
            _ = try SignedTable(envelope: Array(input.utf8))
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test("key files round-trip; edited or broken ones are rejected")
    func keyFiles() throws {
        let privateFile = KeyFile.privateKeyFile(key)
        let publicFile = KeyFile.publicKeyFile(key.verifyingKey)
        #expect(try KeyFile.signingKey(from: privateFile).keyID == key.keyID)
        #expect(try KeyFile.verifyingKey(from: publicFile) == key.verifyingKey)
        #expect(!"\(key)".contains(Data(key.rawRepresentation).base64EncodedString()))
        let edited = Array(publicFile.text.replacingOccurrences(of: key.keyID, with: "0000000000000000").utf8)
        #expect(throws: KeyFileError.keyIDMismatch(stored: "0000000000000000", actual: key.keyID)) {
            _ = try KeyFile.verifyingKey(from: edited)
        }
        #expect(throws: KeyFileError.self) { _ = try KeyFile.signingKey(from: publicFile) }
        #expect(throws: KeyFileError.self) { _ = try KeyFile.verifyingKey(from: Array("{}".utf8)) }
    }
}
