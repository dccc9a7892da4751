import ConsRouteModel
import ConsRouteRouter
import Foundation

/// A router set up for tests: a signing key it trusts, a fixed clock and a fresh state directory.
struct RouterFixture {
    let key = TableSigningKey()
    let directory: URL
    let now: Int64 = 10_000

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "consroute-router-\(UUID().uuidString)"
        )
    }

    var configuration: RouterConfiguration {
        RouterConfiguration(
            fleet: "fleet-a",
            deviceID: "device-1",
            fingerprint: Self.table().fingerprint,
            trustedKeys: [key.verifyingKey],
            stateDirectory: directory
        )
    }

    func router(clock: Int64? = nil) throws -> DeviceRouter {
        let time = clock ?? now
        return try DeviceRouter(configuration: configuration, clock: { time })
    }

    static func table(version: UInt64 = 1, seed: UInt64 = 3) -> ThresholdTable {
        var generator = SeededGenerator(seed: seed)
        return ThresholdTable.example(
            fleet: "fleet-a",
            version: version,
            dimension: 8,
            clusterCount: 4,
            createdAtMs: 1_000,
            lifetimeMs: 60_000,
            using: &generator
        )
    }

    func envelope(_ table: ThresholdTable, signer: TableSigningKey? = nil) throws -> [UInt8] {
        try SignedTable(signing: table, with: signer ?? key).envelopeBytes()
    }
}
