import ConsRouteController
import Logging
import Testing

/// Which fleets a replica owns, from its partition assignment and the keys of the telemetry it receives.
@Suite("Fleet ownership")
struct FleetOwnershipTests {
    private func ownership(partitions: Int? = 6) -> FleetOwnership {
        FleetOwnership(
            replicaID: "replica-a",
            fleets: ["f1", "f2"],
            partitionCount: partitions,
            logger: Logger(label: "ownership"),
            clock: { 1_000 }
        )
    }

    @Test("before any assignment every fleet is owned (one replica starting); after one, only fleets seen here")
    func unknownPartitions() {
        let ownership = ownership()
        #expect(ownership.owns("f1") && ownership.owns("f2"))
        ownership.assigned([0, 3])
        #expect(!ownership.owns("f1"))
        #expect(ownership.status(of: "f1").reason?.contains("no telemetry of the fleet arrived") == true)
        ownership.observed(fleet: "f1", partition: 3)
        #expect(ownership.owns("f1") && !ownership.owns("f2"))
        let status = ownership.status(of: "f1")
        #expect(status.owned && status.partition == 3 && status.claim == 1 && status.sinceMs == 1_000)
        // Keys that name no configured fleet change nothing.
        ownership.observed(fleet: "other", partition: 0)
        #expect(ownership.status(of: "other").partition == nil)
    }

    @Test("a replica holding every partition owns every fleet, seen or not")
    func holdsAll() {
        let ownership = ownership(partitions: 2)
        ownership.assigned([0, 1])
        #expect(ownership.owns("f1") && ownership.owns("f2"))
    }

    @Test("a revoked partition takes its fleets away; assigned again, they are owned under a new claim")
    func revokeAndReassign() {
        let ownership = ownership()
        ownership.assigned([1])
        ownership.observed(fleet: "f1", partition: 1)
        #expect(ownership.claim(of: "f1") == 1)
        ownership.revoked([1])
        #expect(!ownership.owns("f1"))
        #expect(ownership.status(of: "f1").reason?.contains("assigned to another replica") == true)
        ownership.assigned([1])
        #expect(ownership.owns("f1") && ownership.claim(of: "f1") == 2)
    }

    @Test("fenced during a claim: not owned until the partition is assigned anew")
    func fencedUntilReassigned() {
        let ownership = ownership()
        ownership.assigned([1])
        ownership.observed(fleet: "f1", partition: 1)
        ownership.fenced("f1")
        // Still assigned as far as this replica knows (paused and resumed before the revocation arrived).
        #expect(!ownership.owns("f1"))
        #expect(ownership.status(of: "f1").reason?.contains("fenced") == true)
        ownership.revoked([1])
        ownership.assigned([1])
        #expect(ownership.owns("f1"))
    }
}
