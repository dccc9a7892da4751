import ConsRouteClient
import ConsRouteModel
import ConsRouteRouter
import KafkaTestSupport
import Testing

@Suite("TableSubscription keeps a DeviceRouter up to date")
struct TableSubscriptionTests {
    @Test("applies the current table and each newer one", arguments: TableTransport.allCases)
    func appliesNewer(transport: TableTransport) async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        let router = try Fixtures.router()
        let log = AcknowledgementLog()
        try await server.serve { port in
            let subscription = try makeSubscription(port: port, router: router, transport: transport)
            let task = Task { try await subscription.run { log.append($0) } }
            try await waitForCondition { log.all.count == 1 }
            try await server.publish(Fixtures.signed(version: 2))
            try await waitForCondition { log.all.count == 2 }
            task.cancel()
            try await task.value
        }
        #expect(log.all.map(\.version) == [1, 2])
        #expect(log.all.allSatisfy { $0.applied && $0.deviceID == "device-1" && $0.fleet == Fixtures.fleet })
        #expect(router.table?.table.version == 2)
    }

    @Test(
        "rejects a tampered table and one signed by another key, keeps the good one, applies the next",
        arguments: TableTransport.allCases
    )
    func rejectsBadTables(transport: TableTransport) async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        let router = try Fixtures.router()
        let log = AcknowledgementLog()
        try await server.serve { port in
            let subscription = try makeSubscription(port: port, router: router, transport: transport)
            let task = Task { try await subscription.run { log.append($0) } }
            try await waitForCondition { log.all.count == 1 }
            try await server.publish(Fixtures.tampered(version: 1, claiming: 2))
            try await waitForCondition { log.all.count == 2 }
            try await server.publish(Fixtures.signed(version: 3, key: Fixtures.otherKey))
            try await waitForCondition { log.all.count == 3 }
            try await server.publish(Fixtures.signed(version: 4))
            try await waitForCondition { log.all.count == 4 }
            task.cancel()
            try await task.value
        }
        let acks = log.all
        #expect(acks.map(\.applied) == [true, false, false, true])
        #expect(acks[1].version == 2 && acks[1].reason.hasPrefix("invalid signature"))
        #expect(acks[2].version == 3 && acks[2].reason.hasPrefix("untrusted key"))
        #expect(router.table?.table.version == 4)
    }

    @Test(
        "a router ahead of the server rejects the older table once, as version not newer",
        arguments: TableTransport.allCases
    )
    func rejectsLower(transport: TableTransport) async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 2))
        let router = try Fixtures.router()
        #expect(router.apply(envelope: Fixtures.signed(version: 3).envelopeBytes()).applied)
        let log = AcknowledgementLog()
        try await server.serve { port in
            let subscription = try makeSubscription(port: port, router: router, transport: transport)
            let task = Task { try await subscription.run { log.append($0) } }
            try await waitForCondition { log.all.count == 1 }
            try await server.publish(Fixtures.signed(version: 4))
            try await waitForCondition { log.all.count == 2 }
            task.cancel()
            try await task.value
        }
        let acks = log.all
        #expect(acks.count == 2)
        #expect(!acks[0].applied && acks[0].version == 2 && acks[0].reason.hasPrefix("version not newer"))
        #expect(acks[1].applied && acks[1].version == 4)
    }

    @Test("a table with another fingerprint is rejected naming both fingerprints")
    func fingerprintMismatch() async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        let local = Fingerprint(representationModel: "other", representationDim: 4, reranker: "r", promptTemplate: "p")
        let router = try Fixtures.router(fingerprint: local)
        let log = AcknowledgementLog()
        try await server.serve { port in
            let subscription = try makeSubscription(port: port, router: router, transport: .sse)
            let task = Task { try await subscription.run { log.append($0) } }
            try await waitForCondition { log.all.count == 1 }
            task.cancel()
            try await task.value
        }
        #expect(log.all.count == 1)
        #expect(log.all.first?.applied == false)
        #expect(log.all.first?.reason.contains("other/d=4/r/p") == true)
        #expect(router.table == nil)
    }

    @Test(
        "a subscription started while the controller is down applies the table once it is up",
        arguments: TableTransport.allCases
    )
    func waitsForController(transport: TableTransport) async throws {
        let server = try APIServer()
        let port = try await server.serve { port in port }
        let router = try Fixtures.router()
        let log = AcknowledgementLog()
        let subscription = try makeSubscription(port: port, router: router, transport: transport)
        let task = Task { try await subscription.run { log.append($0) } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(log.all.isEmpty)
        try await server.publish(Fixtures.signed(version: 1))
        try await server.serve(port: port) { _ in
            try await waitForCondition { log.all.count == 1 }
        }
        task.cancel()
        try await task.value
        #expect(log.all.map(\.version) == [1])
    }
}
