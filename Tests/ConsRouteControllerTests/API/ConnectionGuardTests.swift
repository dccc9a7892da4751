import ConsRouteController
import Foundation
import Hummingbird
import Testing

/// Issue 14 (6, 8): header-read and idle timeouts, the connection cap, and keep-alive after a parked long-poll, on
/// a real listening server.
@Suite("HTTP connection guards", .timeLimit(.minutes(2)))
struct ConnectionGuardTests {
    /// Runs the harness's application on a free port while `body` runs.
    private func serving(_ harness: APIHarness, _ body: (Int) async throws -> Void) async throws {
        let (application, ports) = harness.listeningApplication()
        let server = Task { try await application.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw RawHTTPError(description: "the server did not start") }
        try await body(port)
    }

    @Test("a connection stays usable after a parked long-poll answered 304 (keep-alive)")
    func keepAliveAfterLongPoll() async throws {
        let harness = try APIHarness()
        try await harness.publish(Fixtures.signed(version: 1))
        try await serving(harness) { port in
            let connection = try RawHTTPConnection(port: port)
            try connection.send("GET /v1/fleets/fleet-a/table?after=1&wait=1 HTTP/1.1\r\nHost: test\r\n\r\n")
            let poll = try #require(await connection.response(within: .seconds(10)))
            #expect(poll.hasPrefix("HTTP/1.1 304"))
            #expect(!poll.lowercased().contains("connection: close"))
            try connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            let health = await connection.response(within: .seconds(10))
            #expect(health?.hasPrefix("HTTP/1.1 200") == true, "the connection was closed after the long-poll")
        }
    }

    @Test("a partial request head is closed after the header timeout")
    func headerTimeout() async throws {
        let harness = try APIHarness(headerTimeout: .seconds(1))
        try await serving(harness) { port in
            let connection = try RawHTTPConnection(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHo")
            let started = ContinuousClock.now
            #expect(await connection.receive(within: .seconds(10)) == .closed)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test("an idle connection is closed after the idle timeout; a parked long-poll longer than it is not")
    func idleTimeout() async throws {
        // 2 s, not 1: on a loaded machine the request sent right after connecting may be read only after 1 s.
        let harness = try APIHarness(idleTimeout: .seconds(2))
        try await harness.publish(Fixtures.signed(version: 1))
        try await serving(harness) { port in
            let idle = try RawHTTPConnection(port: port)
            #expect(await idle.receive(within: .seconds(15)) == .closed)

            let polling = try RawHTTPConnection(port: port)
            try polling.send("GET /v1/fleets/fleet-a/table?after=1&wait=6 HTTP/1.1\r\nHost: test\r\n\r\n")
            let started = ContinuousClock.now
            let answer = await polling.response(within: .seconds(15))
            #expect(answer?.hasPrefix("HTTP/1.1 304") == true)
            #expect(ContinuousClock.now - started >= .seconds(4))
        }
    }

    @Test("beyond the connection cap new connections wait until one closes")
    func connectionCap() async throws {
        let harness = try APIHarness(maximumConnections: 2)
        try await serving(harness) { port in
            let first = try RawHTTPConnection(port: port)
            let second = try RawHTTPConnection(port: port)
            try first.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(await first.response(within: .seconds(10))?.hasPrefix("HTTP/1.1 200") == true)
            try second.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(await second.response(within: .seconds(10))?.hasPrefix("HTTP/1.1 200") == true)
            let third = try RawHTTPConnection(port: port)
            try third.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(await third.receive(within: .seconds(1)) == .timedOut)
            first.shutdown()
            let answered = await third.response(within: .seconds(10))
            #expect(answered?.hasPrefix("HTTP/1.1 200") == true)
            second.shutdown()
        }
    }
}
