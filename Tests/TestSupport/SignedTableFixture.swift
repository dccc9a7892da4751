package import ConsRouteModel

/// Small signed example tables for tests of what serves, reads or verifies them.
package enum SignedTableFixture {
    /// A table of `fleet` with `version` (4 coordinates, 2 clusters, drawn from the version as seed), in `stage`
    /// for `percent` of devices, signed with `key`.
    /// - Parameters:
    ///   - createdAtMs: its creation time; the same value for a version gives the same bytes.
    package static func signed(
        fleet: String,
        version: UInt64,
        stage: Rollout.Stage = .active,
        percent: Double = 100,
        salt: String = "",
        createdAtMs: Int64 = 0,
        key: TableSigningKey
    ) -> SignedTable {
        var generator = SeededGenerator(seed: version)
        var table = ThresholdTable.example(
            fleet: fleet,
            version: version,
            dimension: 4,
            clusterCount: 2,
            createdAtMs: createdAtMs,
            using: &generator
        )
        table.rollout = Rollout(stage: stage, percent: percent, salt: salt)
        return try! SignedTable(signing: table, with: key)
    }
}
