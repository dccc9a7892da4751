import ConsRouteModel
import ConsRouteRouter
import Foundation

/// The conformance vectors: keys, signed tables, apply scenarios, routed queries and cohort assignments.
struct ConformanceVectors {
    static let fleet = "conformance"
    static let deviceID = "device-0042"
    static let fingerprint = Fingerprint(
        representationModel: "conformance-slm",
        representationDim: 16,
        reranker: "conformance-reranker",
        promptTemplate: "v1"
    )
    /// 2026-01-01T00:00:00Z and 2100-01-01T00:00:00Z: valid tables never expire while these vectors are in use.
    static let createdAtMs: Int64 = 1_767_225_600_000
    static let expiresAtMs: Int64 = 4_102_444_800_000

    let trusted: TableSigningKey
    let untrusted: TableSigningKey
    /// Relative path → file contents.
    private(set) var files: [(path: String, bytes: [UInt8])] = []

    var fileCount: Int { files.count }

    init() throws {
        trusted = try TableSigningKey(rawRepresentation: Self.seedBytes("consroute conformance: trusted key"))
        untrusted = try TableSigningKey(rawRepresentation: Self.seedBytes("consroute conformance: untrusted key"))
        add("keys/trusted.pub", KeyFile.publicKeyFile(trusted.verifyingKey))
        add("keys/untrusted.pub", KeyFile.publicKeyFile(untrusted.verifyingKey))
        add("router.json", json(routerConfiguration()))
        add("router-d384.json", json(routerConfiguration(fingerprint: Self.largeFingerprint)))
        try addApplyScenarios()
        try addRouteVectors()
        try addRouteVectors(Self.largeRouteSet)
        addCohortVectors()
    }

    /// The fingerprint of the large route set (`router-d384.json`): a table of 384-dimensional representations.
    static let largeFingerprint = Fingerprint(
        representationModel: "conformance-slm",
        representationDim: 384,
        reranker: "conformance-reranker",
        promptTemplate: "v1"
    )

    /// The router the vectors are run against (paths relative to the conformance folder): `router.json`, and
    /// `router-d384.json` for the large route set.
    func routerConfiguration(fingerprint: Fingerprint = Self.fingerprint) -> JSONValue {
        .object([
            "fleet": .string(Self.fleet), "device_id": .string(Self.deviceID),
            "fingerprint": .object([
                "representation_model": .string(fingerprint.representationModel),
                "representation_dim": .number(String(fingerprint.representationDim)),
                "reranker": .string(fingerprint.reranker),
                "prompt_template": .string(fingerprint.promptTemplate),
            ]),
            "trusted_keys": .array([.string("keys/trusted.pub")]),
        ])
    }

    /// A router configured as `router.json` (or, with the large fingerprint, `router-d384.json`) says, in memory
    /// only, on the system clock.
    func makeRouter(fingerprint: Fingerprint = Self.fingerprint) throws -> DeviceRouter {
        try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: Self.fleet,
                deviceID: Self.deviceID,
                fingerprint: fingerprint,
                trustedKeys: [trusted.verifyingKey]
            )
        )
    }

    mutating func add(_ path: String, _ bytes: [UInt8]) {
        files.append((path, bytes))
    }

    /// Canonical JSON plus a final newline, so that the files are pleasant to diff.
    func json(_ value: JSONValue) -> [UInt8] { value.canonicalBytes() + [0x0A] }

    func write(to directory: URL) throws {
        for (path, bytes) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(bytes).write(to: url)
        }
    }

    /// 32 bytes derived from `label` (a fixed key seed: these keys sign test vectors, nothing else).
    static func seedBytes(_ label: String) -> [UInt8] {
        var generator = SplitMix64(seed: CanaryCohort.fnv1a64(label))
        return (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}

/// SplitMix64: a small, fixed pseudo-random generator (the same numbers on every platform).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float in [low, high) with 24 random bits.
    mutating func float(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) / Float(1 << 24)
    }
}

struct ConformanceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
