import ConsRouteModel
import ConsRouteRouter
import Foundation
import Testing

@Suite("Device router: verification before apply")
struct DeviceRouterTests {
    let fixture = RouterFixture()

    private func expectRejected(_ ack: TableAcknowledgement, _ error: RouterError, _ words: String) {
        #expect(!ack.applied)
        #expect(ack.reason.hasPrefix("\(error)"), "reason: \(ack.reason)")
        #expect(ack.reason.contains(words), "reason: \(ack.reason)")
    }

    @Test("a valid table is applied and acknowledged")
    func applies() throws {
        let router = try fixture.router()
        let ack = router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 2)))
        #expect(
            ack
                == TableAcknowledgement(
                    fleet: "fleet-a",
                    deviceID: "device-1",
                    version: 2,
                    applied: true,
                    reason: "",
                    timeUnixMs: fixture.now
                )
        )
        #expect(router.table?.table.version == 2)
    }

    @Test("a tampered signature is rejected")
    func tamperedSignature() throws {
        let router = try fixture.router()
        var envelope = String(decoding: try fixture.envelope(RouterFixture.table()), as: UTF8.self)
        envelope = envelope.replacingOccurrences(of: "\"t_device\":0.5,", with: "\"t_device\":0.1,")
        expectRejected(router.apply(envelope: Array(envelope.utf8)), .invalidSignature, "altered")
        #expect(router.table == nil)
    }

    @Test("a table signed by an unpinned key id is rejected")
    func wrongKeyID() throws {
        let router = try fixture.router()
        let other = TableSigningKey()
        expectRejected(
            router.apply(envelope: try fixture.envelope(RouterFixture.table(), signer: other)),
            .untrustedKey,
            other.keyID
        )
    }

    @Test("a table with another fingerprint is rejected")
    func wrongFingerprint() throws {
        let router = try fixture.router()
        var table = RouterFixture.table()
        table.fingerprint.reranker = "another-reranker"
        expectRejected(router.apply(envelope: try fixture.envelope(table)), .fingerprintMismatch, "another-reranker")
    }

    @Test("a lower version is rejected; the same version again is idempotent; conflicting content is not")
    func versions() throws {
        let router = try fixture.router()
        #expect(router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 5))).applied)
        expectRejected(
            router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 4))),
            .versionNotNewer,
            "below the held 5"
        )
        #expect(router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 5))).applied)
        expectRejected(
            router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 5, seed: 9))),
            .conflictingVersion,
            "5"
        )
        #expect(router.table?.table.version == 5)
    }

    @Test("an expired table is rejected")
    func expired() throws {
        let router = try fixture.router(clock: 1_000 + 60_000)
        expectRejected(
            router.apply(envelope: try fixture.envelope(RouterFixture.table())),
            .expired,
            "expired at 61000"
        )
    }

    @Test("a table for another fleet, or garbage, is rejected with the reason")
    func wrongFleetAndGarbage() throws {
        let router = try fixture.router()
        var table = RouterFixture.table()
        table.fleet = "fleet-b"
        expectRejected(router.apply(envelope: try fixture.envelope(table)), .wrongFleet, "fleet-b")
        expectRejected(router.apply(envelope: Array("{\"key_id\":1}".utf8)), .malformedTable, "key_id")
    }

    @Test("canary tables apply only inside the cohort, which is stable per device")
    func canary() throws {
        var table = RouterFixture.table(version: 2)
        table.rollout = Rollout(stage: .canary, percent: 50, salt: "rollout-7")
        let inside = CanaryCohort.contains(deviceID: "device-1", salt: "rollout-7", percent: 50)
        let ack = try fixture.router().apply(envelope: try fixture.envelope(table))
        #expect(ack.applied == inside)
        if !inside { expectRejected(ack, .notInCohort, "50.0% cohort") }
        table.version = 3
        table.rollout.percent = 100
        #expect(try fixture.router().apply(envelope: try fixture.envelope(table)).applied)
        table.version = 4
        table.rollout.percent = 0
        expectRejected(try fixture.router().apply(envelope: try fixture.envelope(table)), .notInCohort, "device-1")
    }
}

@Suite("Device router: routing and the last good table")
struct DeviceRouterStateTests {
    let fixture = RouterFixture()

    @Test("routing needs a table and the fleet's dimension")
    func routingErrors() throws {
        let router = try fixture.router()
        #expect(throws: RouterError.noTable) {
            _ = try router.route(representation: [Float](repeating: 0, count: 8), pDevice: 1, pEdge: 1)
        }
        _ = router.apply(envelope: try fixture.envelope(RouterFixture.table()))
        #expect(throws: RouterError.wrongDimension) {
            _ = try router.route(representation: [1, 2, 3], pDevice: 1, pEdge: 1)
        }
        let table = RouterFixture.table()
        let decision = try router.route(representation: table.clusters[2].centroid, pDevice: 0.99, pEdge: 0)
        #expect(decision.clusterID == table.clusters[2].id && decision.tier == .device && !decision.isNovel)
    }

    @Test("the last good table is reloaded at start and routes at once")
    func persistence() throws {
        let first = try fixture.router()
        #expect(first.apply(envelope: try fixture.envelope(RouterFixture.table(version: 3))).applied)
        let restarted = try fixture.router()
        #expect(restarted.table?.table.version == 3)
        let table = RouterFixture.table(version: 3)
        #expect(
            try restarted.route(representation: table.clusters[1].centroid, pDevice: 0.99, pEdge: 0).tier == .device
        )
        // The reloaded version still guards against going back.
        #expect(!restarted.apply(envelope: try fixture.envelope(RouterFixture.table(version: 2))).applied)
    }

    @Test("a reloaded table that has expired routes with the novel (cloud-leaning) thresholds")
    func staleAfterRestart() throws {
        #expect(try fixture.router().apply(envelope: try fixture.envelope(RouterFixture.table())).applied)
        let later = try fixture.router(clock: 1_000 + 120_000)
        let table = RouterFixture.table()
        let decision = try later.route(representation: table.clusters[0].centroid, pDevice: 0.9, pEdge: 0.85)
        #expect(decision.isNovel && decision.tier == .cloud)
    }

    @Test("a stored table that no longer verifies is ignored, not trusted")
    func corruptedStore() throws {
        #expect(try fixture.router().apply(envelope: try fixture.envelope(RouterFixture.table())).applied)
        let file = fixture.directory.appendingPathComponent("fleet-a.table.json")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"version\":1", with: "\"version\":7")
        #expect(text.contains("\"version\":7"))
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(try fixture.router().table == nil)
        try "not json".write(to: file, atomically: true, encoding: .utf8)
        #expect(try fixture.router().table == nil)
    }

    @Test("telemetry built by the router decodes and validates")
    func telemetry() throws {
        let router = try fixture.router()
        _ = router.apply(envelope: try fixture.envelope(RouterFixture.table(version: 4)))
        let representation = RouterFixture.table().clusters[3].centroid
        let decision = try router.route(representation: representation, pDevice: 0.2, pEdge: 0.9)
        let builder = TelemetryEventBuilder(fleet: "fleet-a", deviceID: "device-1")
        let event = builder.event(
            timeUnixMs: 20_000,
            tableVersion: 4,
            decision: decision,
            representation: representation,
            pDevice: 0.2,
            pEdge: 0.9,
            servedTier: decision.tier,
            latencyMs: 250,
            cost: 0.001,
            session: (id: "s", turn: 2, context: TurnContext(previousTier: .cloud, contextTokens: 500))
        )
        let decoded = try TelemetryDecoder(fleets: ["fleet-a": 8]).decode(event.protobufBytes()).get()
        #expect(decoded == event)
        #expect(decoded.cluster == RouterFixture.table().clusters[3].id && decoded.previousTier == .cloud)
        let other = builder.event(
            timeUnixMs: 20_000,
            tableVersion: 4,
            decision: decision,
            representation: representation,
            pDevice: 0.2,
            pEdge: 0.9,
            servedTier: decision.tier,
            latencyMs: 250,
            cost: 0.001
        )
        #expect(other.eventID != event.eventID)
    }
}
