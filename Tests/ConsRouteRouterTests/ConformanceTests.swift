import ConsRouteModel
import ConsRouteRouter
import Foundation
import Testing

/// The repository's conformance vectors (`conformance/`, docs/conformance.md), run against the Swift router:
/// the C ABI's and the Python binding's tests run the same files.
@Suite("Conformance vectors")
struct ConformanceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("conformance")

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(path)))
    }

    static func json(_ path: String) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONValue.parse(try bytes(path)) else {
            throw ConformanceFileError("\(path) is not a JSON object")
        }
        return members
    }

    /// A fresh router as `router.json` (or another configuration file there) describes it (memory only, system
    /// clock).
    static func router(_ configurationFile: String = "router.json") throws -> DeviceRouter {
        let configuration = try json(configurationFile)
        let fingerprint = try configuration.object("fingerprint")
        let keys = try configuration.array("trusted_keys").map { key in
            try KeyFile.verifyingKey(from: try bytes(try key.string()))
        }
        return try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: try configuration.string("fleet"),
                deviceID: try configuration.string("device_id"),
                fingerprint: Fingerprint(
                    representationModel: try fingerprint.string("representation_model"),
                    representationDim: Int(try fingerprint.number("representation_dim"))!,
                    reranker: try fingerprint.string("reranker"),
                    promptTemplate: try fingerprint.string("prompt_template")
                ),
                trustedKeys: keys
            )
        )
    }

    @Test("apply scenarios: every acknowledgement, reason and held version")
    func apply() throws {
        let scenarios = try Self.json("apply.json").array("scenarios")
        #expect(scenarios.count >= 14)
        for scenario in scenarios {
            let members = try scenario.members()
            let name = try members.string("name")
            let router = try Self.router()
            for step in try members.array("steps") {
                let expected = try step.members()
                let ack = router.apply(envelope: try Self.bytes(try expected.string("envelope")))
                #expect(ack.applied == (try expected.bool("applied")), "\(name)")
                #expect(String(ack.version) == (try expected.number("version")), "\(name)")
                let code = try expected.string("reason_code")
                #expect(ack.reason == code || ack.reason.hasPrefix(code + ": "), "\(name): \(ack.reason)")
                if expected["reason"] != nil { #expect(ack.reason == (try expected.string("reason")), "\(name)") }
                #expect(String(router.table?.table.version ?? 0) == (try expected.number("held_version")), "\(name)")
            }
        }
    }

    @Test(
        "routed queries: cluster, novelty and tier, through route() and on every kernel path",
        arguments: ["route.json", "route-d384.json"]
    )
    func route(file: String) throws {
        let vectors = try Self.json(file)
        let router = try Self.router(try vectors.string("router"))
        let envelope = try Self.bytes(try vectors.string("table"))
        #expect(router.apply(envelope: envelope).applied)
        let policy = try #require(router.policy)
        // The large set's table has more floats than L1: the int8 screen's size.
        #expect(policy.isScreened == (file == "route-d384.json"))
        let queries = try vectors.array("queries")
        #expect(queries.count >= 60)
        for query in queries {
            let members = try query.members()
            let name = try members.string("name")
            let x = try members.array("representation").map { Float(try $0.numberText())! }
            let pDevice = Float(try members.number("p_device"))!
            let pEdge = Float(try members.number("p_edge"))!
            var turn: TurnContext?
            if case .object(let context)? = members["turn"] {
                turn = TurnContext(
                    previousTier: try Self.tier(try context.string("previous_tier")),
                    contextTokens: UInt32(try context.number("context_tokens"))!
                )
            }
            let expected = try members.object("expected")
            let decision = try router.route(representation: x, pDevice: pDevice, pEdge: pEdge, turn: turn)
            #expect(String(decision.clusterIndex) == (try expected.number("cluster_index")), "\(name)")
            #expect(String(decision.clusterID) == (try expected.number("cluster_id")), "\(name)")
            #expect(decision.isNovel == (try expected.bool("novel")), "\(name)")
            #expect(decision.tier.description == (try expected.string("tier")), "\(name)")
            for kernel in RoutingKernel.supported {
                let other = x.withUnsafeBufferPointer {
                    policy.decide(representation: $0, pDevice: pDevice, pEdge: pEdge, turn: turn, kernel: kernel)
                }
                #expect(
                    other.clusterIndex == decision.clusterIndex && other.tier == decision.tier,
                    "\(name), \(kernel)"
                )
                #expect(other.isNovel == decision.isNovel, "\(name), \(kernel)")
            }
        }
    }

    @Test("cohort assignments and their hashes")
    func cohorts() throws {
        let cases = try Self.json("cohort.json").array("cases")
        #expect(cases.count >= 100)
        for entry in cases {
            let members = try entry.members()
            let deviceID = try members.string("device_id")
            let salt = try members.string("salt")
            let percent = Double(try members.number("percent"))!
            #expect(String(CanaryCohort.fnv1a64(salt + deviceID), radix: 16) == (try members.string("fnv1a64")))
            #expect(
                CanaryCohort.contains(deviceID: deviceID, salt: salt, percent: percent)
                    == (try members.bool("in_cohort")),
                "\(deviceID) \(salt) \(percent)"
            )
        }
    }

    @Test("every signed table decodes and re-encodes to the bytes it was signed over")
    func tableBytes() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: Self.folder.appendingPathComponent("tables").path
        ).filter { $0.hasSuffix(".json") }.sorted()
        var checked = 0
        for name in names {
            // The truncated envelope does not parse; every other one does, tampered or not.
            guard let signed = try? SignedTable(envelope: try Self.bytes("tables/\(name)")) else { continue }
            #expect(try signed.table.canonicalBytes() == signed.signedBytes, "\(name)")
            checked += 1
        }
        #expect(checked >= 10)
    }

    static func tier(_ name: String) throws -> Tier {
        guard let tier = Tier.allCases.first(where: { $0.description == name }) else {
            throw ConformanceFileError("unknown tier \(name)")
        }
        return tier
    }
}

struct ConformanceFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    func members() throws -> [String: JSONValue] {
        guard case .object(let members) = self else { throw ConformanceFileError("expected an object, got \(self)") }
        return members
    }

    func string() throws -> String {
        guard case .string(let text) = self else { throw ConformanceFileError("expected a string, got \(self)") }
        return text
    }

    /// A number's literal text (exact: parsed by the reader as the type it needs).
    func numberText() throws -> String {
        guard case .number(let text) = self else { throw ConformanceFileError("expected a number, got \(self)") }
        return text
    }
}

extension [String: JSONValue] {
    func value(_ key: String) throws -> JSONValue {
        guard let value = self[key] else { throw ConformanceFileError("missing \"\(key)\"") }
        return value
    }

    func object(_ key: String) throws -> [String: JSONValue] { try value(key).members() }
    func string(_ key: String) throws -> String { try value(key).string() }
    func number(_ key: String) throws -> String { try value(key).numberText() }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let items) = try value(key) else { throw ConformanceFileError("\"\(key)\" is not an array") }
        return items
    }

    func bool(_ key: String) throws -> Bool {
        guard case .bool(let flag) = try value(key) else { throw ConformanceFileError("\"\(key)\" is not a boolean") }
        return flag
    }
}
