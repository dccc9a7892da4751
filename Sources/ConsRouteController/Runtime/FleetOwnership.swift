package import ConsRouteModel
import Foundation
package import Logging
import Synchronization

/// Which fleets this replica owns (docs/design.md §9): the owner of a fleet is the replica that holds the fleet's
/// telemetry partition in the ingest consumer group. Telemetry is keyed by fleet, so the partition is learned from
/// the keys of the messages that arrive; a fleet whose partition is not known yet (no keyed event has arrived) is
/// owned by whoever asks, which is what one replica alone needs and is harmless with several, because the tables
/// producer of each fleet is transactional and a later owner fences an earlier one (`TablePublisher`).
///
/// Every assignment of a partition starts a new claim on its fleets: a replica whose tables producer was fenced
/// during a claim owns nothing of it again until the partition is assigned to it anew, so a paused replica that
/// resumes after a takeover cannot claim the fleet back while it still believes it holds the partition.
package final class FleetOwnership: Sendable {
    /// One fleet's ownership as `/status` and the metrics show it.
    package struct Status: Sendable, Equatable {
        /// Whether this replica tunes and publishes the fleet now.
        package var owned: Bool
        /// The fleet's telemetry partition, once a keyed event showed it.
        package var partition: Int32?
        /// How many times this replica was assigned that partition since start (each is a new claim).
        package var claim: Int
        /// Unix milliseconds when the current claim began (nil when not owned or the partition is unknown).
        package var sinceMs: Int64?
        /// Why the fleet is not owned, when it is not.
        package var reason: String?
    }

    private struct State {
        var assigned: Set<Int32> = []
        /// Per partition, how many times it was assigned to this replica.
        var assignments: [Int32: Int] = [:]
        var assignedAtMs: [Int32: Int64] = [:]
        var partitionOf: [String: Int32] = [:]
        /// Per fleet, the claim (assignment count) during which its tables producer was fenced.
        var fencedClaim: [String: Int] = [:]
    }

    /// This replica's id (`ingest.replica_id`).
    package let replicaID: String
    private let fleets: Set<String>
    /// Partitions of the telemetry topic (nil when unknown).
    private let partitionCount: Int?
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let state = Mutex(State())

    /// - Parameters:
    ///   - replicaID: this replica's id, for logs and `/status`.
    ///   - fleets: the configured fleets (message keys naming others are ignored).
    ///   - partitionCount: partitions of the telemetry topic (a replica holding them all owns every fleet).
    package init(
        replicaID: String,
        fleets: [String],
        partitionCount: Int? = nil,
        logger: Logger,
        clock: @escaping WallClock.Source = WallClock.system
    ) {
        self.replicaID = replicaID
        self.fleets = Set(fleets)
        self.partitionCount = partitionCount
        self.logger = logger
        self.clock = clock
    }

    /// Whether this replica tunes and publishes `fleet` now.
    package func owns(_ fleet: String) -> Bool { status(of: fleet).owned }

    /// The claim a publication of `fleet` happens under: changes whenever the fleet's partition is assigned anew.
    package func claim(of fleet: String) -> Int {
        state.withLock { state in state.partitionOf[fleet].map { state.assignments[$0] ?? 0 } ?? 0 }
    }

    package func status(of fleet: String) -> Status {
        state.withLock { state in
            guard let partition = state.partitionOf[fleet] else {
                // Not known where its telemetry goes: owned while this replica has never been assigned anything (it
                // is starting, or alone and not yet joined) or holds every partition; otherwise its events arrive
                // at another replica.
                let holdsAll = partitionCount.map { state.assigned.count >= $0 } ?? false
                let owned = state.fencedClaim[fleet] == nil && (state.assignments.isEmpty || holdsAll)
                let reason =
                    state.fencedClaim[fleet] != nil
                    ? "another replica took the fleet over (this replica's tables producer was fenced)"
                    : "no telemetry of the fleet arrived on this replica's partitions"
                return Status(owned: owned, partition: nil, claim: 0, sinceMs: nil, reason: owned ? nil : reason)
            }
            let claim = state.assignments[partition] ?? 0
            guard state.assigned.contains(partition) else {
                return Status(
                    owned: false,
                    partition: partition,
                    claim: claim,
                    sinceMs: nil,
                    reason: "telemetry partition \(partition) is assigned to another replica"
                )
            }
            if state.fencedClaim[fleet] == claim {
                return Status(
                    owned: false,
                    partition: partition,
                    claim: claim,
                    sinceMs: nil,
                    reason: "another replica took the fleet over (this replica's tables producer was fenced)"
                )
            }
            return Status(
                owned: true,
                partition: partition,
                claim: claim,
                sinceMs: state.assignedAtMs[partition],
                reason: nil
            )
        }
    }

    /// The ingest consumer was assigned `partitions`: fleets known to live there are owned again, as a new claim.
    package func assigned(_ partitions: [Int32]) {
        let now = clock()
        let gained = state.withLock { state in
            for partition in partitions {
                state.assigned.insert(partition)
                state.assignments[partition, default: 0] += 1
                state.assignedAtMs[partition] = now
            }
            return state.partitionOf.filter { partitions.contains($0.value) }.keys.sorted()
        }
        logger.notice(
            "telemetry partitions assigned",
            metadata: [
                "replica": "\(replicaID)", "partitions": "\(partitions.sorted())", "fleets": "\(gained)",
            ]
        )
    }

    /// The ingest consumer gave up `partitions`: their fleets are no longer owned here.
    package func revoked(_ partitions: [Int32]) {
        let lost = state.withLock { state in
            for partition in partitions {
                state.assigned.remove(partition)
                state.assignedAtMs[partition] = nil
            }
            return state.partitionOf.filter { partitions.contains($0.value) }.keys.sorted()
        }
        logger.notice(
            "telemetry partitions revoked",
            metadata: ["replica": "\(replicaID)", "partitions": "\(partitions.sorted())", "fleets": "\(lost)"]
        )
    }

    /// A keyed event of `fleet` arrived on `partition` (of a partition this replica holds).
    package func observed(fleet: String, partition: Int32) {
        guard fleets.contains(fleet) else { return }
        let previous: Int32?? = state.withLock { state in
            let previous = state.partitionOf[fleet]
            guard previous != partition else { return .none }
            state.partitionOf[fleet] = partition
            return .some(previous)
        }
        guard case .some(let before) = previous else { return }
        if let before {
            logger.warning(
                "a fleet's telemetry moved to another partition: is the telemetry keyed by fleet?",
                metadata: ["fleet": "\(fleet)", "from": "\(before)", "to": "\(partition)"]
            )
        } else {
            logger.notice(
                "fleet owned: its telemetry partition is assigned to this replica",
                metadata: ["replica": "\(replicaID)", "fleet": "\(fleet)", "partition": "\(partition)"]
            )
        }
    }

    /// The fleet's tables producer was fenced: another replica took the fleet over during this claim.
    package func fenced(_ fleet: String) {
        let claim = claim(of: fleet)
        state.withLock { $0.fencedClaim[fleet] = claim }
        logger.warning(
            "fleet deposed: another replica registered its tables producer, so this one publishes nothing more of it",
            metadata: ["replica": "\(replicaID)", "fleet": "\(fleet)", "claim": "\(claim)"]
        )
    }
}
