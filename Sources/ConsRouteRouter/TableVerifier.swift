import ConsRouteModel

/// The checks a router makes before applying a table (docs/design.md §3, §5), in order: envelope and table
/// format, fleet, pinned key id, signature, fingerprint, version never lower, expiry, canary cohort.
struct TableVerifier: Sendable {
    let configuration: RouterConfiguration

    enum Verdict: Equatable {
        /// Apply the table.
        case apply(SignedTable)
        /// The held version arrived again with identical content: nothing to do, acknowledge as applied.
        case alreadyHeld(SignedTable)
    }

    /// Checks a parsed envelope against the router's configuration and the held table.
    ///
    /// - Throws: `RouterError` naming the first check that failed.
    func verify(_ signed: SignedTable, held: SignedTable?, nowMs: Int64, checkCohort: Bool) throws(RouterError)
        -> Verdict
    {
        let table = signed.table
        guard table.fleet == configuration.fleet else {
            throw RouterError.wrongFleet.with(
                "table is for fleet \"\(table.fleet)\", router is in \"\(configuration.fleet)\""
            )
        }
        do {
            try signed.verifySignature(trusting: configuration.trustedKeys)
        } catch {
            switch error {
            case .unknownKey: throw RouterError.untrustedKey.with("\(error)")
            case .invalidSignature: throw RouterError.invalidSignature.with("\(error)")
            }
        }
        guard table.fingerprint == configuration.fingerprint else {
            throw RouterError.fingerprintMismatch.with(
                "table has \(table.fingerprint), router has \(configuration.fingerprint)"
            )
        }
        if let held {
            if table.version == held.table.version {
                guard signed.signedBytes == held.signedBytes else {
                    throw RouterError.conflictingVersion.with("version \(table.version) differs from the one held")
                }
                return .alreadyHeld(signed)
            }
            guard table.version > held.table.version else {
                throw RouterError.versionNotNewer.with(
                    "version \(table.version) is below the held \(held.table.version)"
                )
            }
        }
        guard !table.isExpired(atMs: nowMs) else {
            throw RouterError.expired.with("expired at \(table.expiresAtMs) ms, now \(nowMs) ms")
        }
        if checkCohort, table.rollout.stage == .canary,
            !CanaryCohort.contains(
                deviceID: configuration.deviceID,
                salt: table.rollout.salt,
                percent: table.rollout.percent
            )
        {
            throw RouterError.notInCohort.with(
                "device \(configuration.deviceID) is outside the \(table.rollout.percent)% cohort of version \(table.version)"
            )
        }
        return .apply(signed)
    }
}
