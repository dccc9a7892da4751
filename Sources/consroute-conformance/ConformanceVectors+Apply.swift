import ConsRouteModel
import ConsRouteRouter
import Foundation

extension ConformanceVectors {
    /// A valid table of the conformance fleet (k = 4, d = 16), active, expiring in 2100.
    func table(version: UInt64, seed: UInt64) -> ThresholdTable {
        var generator = SplitMix64(seed: seed)
        var table = ThresholdTable.example(
            fleet: Self.fleet,
            version: version,
            dimension: Self.fingerprint.representationDim,
            clusterCount: 4,
            createdAtMs: Self.createdAtMs,
            lifetimeMs: Self.expiresAtMs - Self.createdAtMs,
            using: &generator
        )
        table.fingerprint = Self.fingerprint
        return table
    }

    func envelope(_ table: ThresholdTable, signer: TableSigningKey? = nil) throws -> [UInt8] {
        try SignedTable(signing: table, with: signer ?? trusted).envelopeBytes()
    }

    /// The signed tables of the apply scenarios, by file name.
    func applyTables() throws -> [(name: String, bytes: [UInt8])] {
        let v1 = table(version: 1, seed: 1)
        var v2 = table(version: 2, seed: 2)
        v2.parentVersion = 1
        var conflicting = v2
        conflicting.clusters[0].thresholds = ThresholdPair(device: 0.99, edge: 0.99)
        // Tampered: v1's signature over v1's bytes, with one threshold changed afterwards.
        var altered = v1
        altered.clusters[1].thresholds = ThresholdPair(device: 0.01, edge: 0.01)
        let signedV1 = try SignedTable(signing: v1, with: trusted)
        let tampered = JSONValue.object([
            "key_id": .string(signedV1.keyID),
            "signature": .string(Data(signedV1.signature).base64EncodedString()),
            "table": try altered.jsonValue(),
        ]).canonicalBytes()
        // Forged key id: signed by the untrusted key, claiming the trusted key's id.
        let byUntrusted = try SignedTable(signing: v1, with: untrusted)
        let forged = JSONValue.object([
            "key_id": .string(trusted.keyID),
            "signature": .string(Data(byUntrusted.signature).base64EncodedString()),
            "table": try v1.jsonValue(),
        ]).canonicalBytes()
        var expired = v1
        expired.createdAtMs = 946_684_800_000  // 2000-01-01
        expired.expiresAtMs = 978_307_200_000  // 2001-01-01
        var wrongFingerprint = v1
        wrongFingerprint.fingerprint.promptTemplate = "v2"
        var wrongFleet = v1
        wrongFleet.fleet = "another-fleet"
        let (saltIn, saltOut) = Self.canarySalts(percent: 10)
        var canaryIn = table(version: 3, seed: 3)
        canaryIn.parentVersion = 1
        canaryIn.rollout = Rollout(stage: .canary, percent: 10, salt: saltIn)
        var canaryOut = canaryIn
        canaryOut.rollout = Rollout(stage: .canary, percent: 10, salt: saltOut)
        let valid = try envelope(v1)
        return [
            ("v1.json", valid),
            ("v2.json", try envelope(v2)),
            ("v2-conflicting.json", try envelope(conflicting)),
            ("v1-tampered.json", tampered),
            ("v1-untrusted-key.json", byUntrusted.envelopeBytes()),
            ("v1-forged-key-id.json", forged),
            ("v1-expired.json", try envelope(expired)),
            ("v1-wrong-fingerprint.json", try envelope(wrongFingerprint)),
            ("v1-wrong-fleet.json", try envelope(wrongFleet)),
            ("v1-truncated.json", Array(valid.prefix(valid.count / 2))),
            ("v3-canary-in-cohort.json", try envelope(canaryIn)),
            ("v3-canary-out-of-cohort.json", try envelope(canaryOut)),
        ]
    }

    /// Two salts for which `deviceID` is inside, then outside, a cohort of `percent` %.
    static func canarySalts(percent: Double) -> (inside: String, outside: String) {
        var inside: String?
        var outside: String?
        var index = 0
        while inside == nil || outside == nil {
            let salt = "canary-\(index)"
            if CanaryCohort.contains(deviceID: deviceID, salt: salt, percent: percent) {
                inside = inside ?? salt
            } else {
                outside = outside ?? salt
            }
            index += 1
        }
        return (inside!, outside!)
    }

    /// Scenarios: each starts from a fresh router (no table, memory only) and applies its steps in order.
    static let scenarios: [(name: String, steps: [(file: String, code: String)])] = [
        ("a valid table is applied", [("v1.json", "")]),
        ("a tampered table is rejected", [("v1-tampered.json", "invalid signature")]),
        ("a table signed by an unpinned key is rejected", [("v1-untrusted-key.json", "untrusted key")]),
        (
            "a table signed by another key under the pinned key id is rejected",
            [("v1-forged-key-id.json", "invalid signature")]
        ),
        ("an expired table is rejected", [("v1-expired.json", "expired")]),
        ("a table for another fingerprint is rejected", [("v1-wrong-fingerprint.json", "fingerprint mismatch")]),
        ("a table for another fleet is rejected", [("v1-wrong-fleet.json", "wrong fleet")]),
        ("a truncated envelope is rejected", [("v1-truncated.json", "malformed table")]),
        ("a newer version replaces the held one", [("v1.json", ""), ("v2.json", "")]),
        ("a lower version is rejected", [("v2.json", ""), ("v1.json", "version not newer")]),
        ("the held version again, identical, is acknowledged as applied", [("v2.json", ""), ("v2.json", "")]),
        (
            "the held version again with other content is rejected",
            [("v2.json", ""), ("v2-conflicting.json", "conflicting version")]
        ),
        ("a canary table is applied inside its cohort", [("v1.json", ""), ("v3-canary-in-cohort.json", "")]),
        (
            "a canary table is rejected outside its cohort",
            [("v1.json", ""), ("v3-canary-out-of-cohort.json", "not in canary cohort")]
        ),
        (
            "a rejected table leaves the held one in use",
            [("v1.json", ""), ("v1-tampered.json", "invalid signature"), ("v2.json", "")]
        ),
    ]

    /// Writes the tables and `apply.json`, with the acknowledgement `DeviceRouter` gives for every step.
    mutating func addApplyScenarios() throws {
        var tables: [String: [UInt8]] = [:]
        for (name, bytes) in try applyTables() {
            tables[name] = bytes
            add("tables/\(name)", bytes)
        }
        var scenarios: [JSONValue] = []
        for (name, steps) in Self.scenarios {
            let router = try makeRouter()
            var expected: [JSONValue] = []
            for (file, code) in steps {
                let ack = router.apply(envelope: tables[file]!)
                let reasonCode = ack.reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                guard ack.applied == code.isEmpty, reasonCode == code else {
                    throw ConformanceError("scenario \"\(name)\", \(file): expected \"\(code)\", router said \(ack)")
                }
                var step: [String: JSONValue] = [
                    "envelope": .string("tables/\(file)"), "applied": .bool(ack.applied),
                    "version": .number(String(ack.version)), "reason_code": .string(reasonCode),
                    "held_version": .number(String(router.table?.table.version ?? 0)),
                ]
                // The expiry message names the current time; every other reason is the same on every run.
                if code != "expired" { step["reason"] = .string(ack.reason) }
                expected.append(.object(step))
            }
            scenarios.append(.object(["name": .string(name), "steps": .array(expected)]))
        }
        add(
            "apply.json",
            json(
                .object([
                    "format": .string("consroute-conformance/1"), "router": .string("router.json"),
                    "scenarios": .array(scenarios),
                ])
            )
        )
    }
}
