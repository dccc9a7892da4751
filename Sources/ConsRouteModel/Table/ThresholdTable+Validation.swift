extension ThresholdTable {
    /// Checks the invariants every published table keeps.
    ///
    /// - Throws: `TableFormatError` naming the first field that breaks one: an empty fleet, a dimension
    ///   below 1, no clusters, duplicate cluster ids, a centroid of the wrong length, a threshold outside
    ///   [0, 1], a negative radius, `reprefill_ms_per_1k_tokens` not of 3 non-negative values, a canary
    ///   percent outside [0, 100], `expires_at` not after `created_at`, a parent version not below the version.
    public func validate(path: String = "table") throws(TableFormatError) {
        func fail(_ field: String, _ reason: String) -> TableFormatError {
            TableFormatError(field: field.isEmpty ? path : "\(path).\(field)", reason: reason)
        }
        guard !fleet.isEmpty else { throw fail("fleet", "must not be empty") }
        guard version >= 1 else { throw fail("version", "must be at least 1") }
        guard parentVersion < version else { throw fail("parent_version", "must be below version \(version)") }
        guard expiresAtMs > createdAtMs else { throw fail("expires_at", "must be after created_at") }
        guard fingerprint.representationDim >= 1 else {
            throw fail("fingerprint.representation_dim", "must be at least 1")
        }
        guard !clusters.isEmpty else { throw fail("clusters", "must hold at least one cluster") }
        var seen = Set<UInt32>()
        for (index, cluster) in clusters.enumerated() {
            let field = "clusters[\(index)]"
            guard seen.insert(cluster.id).inserted else { throw fail("\(field).id", "duplicate id \(cluster.id)") }
            guard cluster.centroid.count == fingerprint.representationDim else {
                throw fail(
                    "\(field).centroid",
                    "has \(cluster.centroid.count) values, representation_dim is \(fingerprint.representationDim)"
                )
            }
            guard cluster.centroid.allSatisfy(\.isFinite) else { throw fail("\(field).centroid", "must be finite") }
            guard cluster.radius2.isFinite, cluster.radius2 >= 0 else {
                throw fail("\(field).radius2", "must be a finite number >= 0")
            }
            try check(cluster.thresholds, "\(path).\(field)")
        }
        try check(novel, "\(path).novel")
        guard reprefillMsPer1kTokens.count == 3, reprefillMsPer1kTokens.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw fail("reprefill_ms_per_1k_tokens", "must be 3 finite values >= 0 (device, edge, cloud)")
        }
        guard latencyRefMs.isFinite, latencyRefMs > 0 else {
            throw fail("objective.latency_ref_ms", "must be > 0")
        }
        guard (0...100).contains(rollout.percent) else { throw fail("rollout.percent", "must be in 0...100") }
        guard expected.shares.count == 3 else { throw fail("expected.shares", "must hold 3 values") }
    }

    private func check(_ pair: ThresholdPair, _ field: String) throws(TableFormatError) {
        for (name, value) in [("t_device", pair.device), ("t_edge", pair.edge)] {
            guard value.isFinite, (0...1).contains(value) else {
                throw TableFormatError(field: "\(field).\(name)", reason: "must be in [0, 1], is \(value)")
            }
        }
    }
}
