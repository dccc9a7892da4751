import ConsRouteLoop
package import ConsRouteModel
package import ConsRouteStore
import ConsRouteTuning
import Foundation

/// The controller's side of the distribution API: operator actions on the fleets' loops, the fleets' status,
/// and past tables from history.
package struct ControllerAdministration: AdminActions, FleetStatusProvider, TableHistory {
    private let fleets: [String: FleetController]
    private let store: HistoryStore
    private let acknowledgements: AcknowledgementTally

    /// - Parameters:
    ///   - fleets: the fleets this controller runs.
    ///   - store: the history.
    ///   - acknowledgements: the devices' latest acknowledgements.
    package init(
        fleets: [FleetController],
        store: HistoryStore,
        acknowledgements: AcknowledgementTally
    ) {
        self.fleets = Dictionary(uniqueKeysWithValues: fleets.map { ($0.fleet, $0) })
        self.store = store
        self.acknowledgements = acknowledgements
    }

    private func controller(_ fleet: String) throws -> FleetController {
        guard let controller = fleets[fleet] else { throw AdminActionError.unknownFleet(fleet) }
        return controller
    }

    // MARK: AdminActions

    package func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue {
        let signed = try await controller(fleet).rollback(to: version)
        return .object([
            "fleet": .string(fleet), "version": .number(String(signed.table.version)),
            "content_of": .number(String(version)),
        ])
    }

    package func retune(fleet: String) async throws -> JSONValue {
        let controller = try controller(fleet)
        try await controller.requestRetune()
        var answer: [String: JSONValue] = ["fleet": .string(fleet), "retune": .string("requested")]
        // Tunings wait while a canary is under test; the request is kept and runs once the canary ends.
        if let canary = controller.runningCanary { answer["waits_for_canary"] = .number(String(canary.version)) }
        return .object(answer)
    }

    package func pause(fleet: String) async throws -> JSONValue {
        try await controller(fleet).setPaused(true)
        return .object(["fleet": .string(fleet), "paused": .bool(true)])
    }

    package func resume(fleet: String) async throws -> JSONValue {
        try await controller(fleet).setPaused(false)
        return .object(["fleet": .string(fleet), "paused": .bool(false)])
    }

    package func promote(fleet: String) async throws -> JSONValue {
        let signed = try await controller(fleet).promoteCanary()
        return .object([
            "fleet": .string(fleet), "version": .number(String(signed.table.version)),
            "promoted": .number(String(signed.table.parentVersion)),
        ])
    }

    // MARK: FleetStatusProvider

    /// The fleets this controller runs.
    package var configuredFleets: Set<String>? { Set(fleets.keys) }

    package func additionalStatus(fleet: String) async throws -> [String: JSONValue]? {
        guard let controller = fleets[fleet] else { return nil }
        let snapshot = controller.loop.snapshot
        var status: [String: JSONValue] = [
            "paused": .bool(snapshot.isPaused),
            "tuning": .bool(snapshot.isTuning),
            "pending_trigger": snapshot.pending.map { .string($0.rawValue) } ?? .null,
            "observed_events": .number(String(snapshot.observedEvents)),
            "window_events": .number(String(snapshot.windowEvents)),
            "window_shadow_samples": .number(String(snapshot.windowShadowSamples)),
            "last_version": .number(String(snapshot.lastVersion)),
        ]
        let recent = snapshot.recent
        var observed: [String: JSONValue] = [
            "tier_shares": .array(Tier.allCases.map { Self.number(recent.share($0)) })
        ]
        if let value = recent.qualityRatio { observed["quality_ratio"] = Self.number(value) }
        if let value = recent.latencyRatio { observed["latency_ratio"] = Self.number(value) }
        if let value = recent.costRatio { observed["cost_ratio"] = Self.number(value) }
        status["observed"] = .object(observed)
        status["canary"] = controller.runningCanary.map(Self.canaryStatus) ?? .null
        status["ownership"] = Self.ownershipStatus(controller)
        if let levels = snapshot.driftLevels {
            status["drift_levels"] = .object([
                "occupancy": Self.number(levels.occupancy), "novelty": Self.number(levels.novelty),
                "outcome": Self.number(levels.outcome), "latency": Self.number(levels.latency),
                "cost": Self.number(levels.cost),
            ])
        }
        let counts = acknowledgements.convergence(fleet: fleet, activeVersion: snapshot.tableVersion)
        status["convergence"] = .object([
            "devices": .number(String(counts.devices)), "on_active": .number(String(counts.onActive)),
            "share": Self.number(counts.share),
            "applied_by_version": .object(
                Dictionary(uniqueKeysWithValues: counts.byVersion.map { (String($0.key), .number(String($0.value))) })
            ),
        ])
        return status
    }

    // MARK: TableHistory

    package func table(fleet: String, version: UInt64) async throws -> SignedTable? {
        guard let record = try await store.table(fleet: fleet, version: version) else { return nil }
        return try record.signedTable()
    }

    /// Who tunes and publishes the fleet (docs/design.md §9): this replica when `owned`; otherwise `publisher` names
    /// the replica that published the newest table this replica has followed.
    private static func ownershipStatus(_ controller: FleetController) -> JSONValue {
        guard let ownership = controller.ownership else {
            return .object(["owned": .bool(true), "replica": .null, "fencing": .string("none")])
        }
        let status = ownership.status(of: controller.fleet)
        var fields: [String: JSONValue] = [
            "owned": .bool(status.owned), "replica": .string(ownership.replicaID), "fencing": .string("transactions"),
            "partition": status.partition.map { .number(String($0)) } ?? .null,
            "claim": .number(String(status.claim)),
            "since_ms": status.sinceMs.map { .number(String($0)) } ?? .null,
            "reason": status.reason.map { .string($0) } ?? .null,
        ]
        if let newest = controller.newestPublisher {
            fields["newest_table"] = .object([
                "version": .number(String(newest.version)), "published_by": .string(newest.replica),
            ])
        }
        fields["owner"] =
            status.owned
            ? .string(ownership.replicaID) : controller.newestPublisher.map { .string($0.replica) } ?? .null
        return .object(fields)
    }

    /// The running canary: versions, cohort, start, and the test's figures so far.
    private static func canaryStatus(_ run: CanaryRun) -> JSONValue {
        let figures = run.comparison.figures
        return .object([
            "version": .number(String(run.version)), "control_version": .number(String(run.controlVersion)),
            "percent": number(run.percent), "started_at_ms": .number(String(run.startedAtMs)),
            "samples": .object([
                "canary": .number(String(figures.canary.count)), "control": .number(String(figures.control.count)),
            ]),
            "mean_objective": .object(["canary": number(figures.canary.mean), "control": number(figures.control.mean)]),
            "difference_bounds": .array([number(figures.lowerBound), number(figures.upperBound)]),
        ])
    }

    private static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(String(value)) : .null
    }
}
