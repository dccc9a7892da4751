import ConsRouteClient
import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import KafkaTestSupport
import NIOCore
import NIOPosix
import Testing

@Suite("TableClient against the distribution API on 127.0.0.1")
struct TableClientTests {
    @Test("GET table: 200 with the envelope and its version, 304 with If-None-Match, 404 naming the fleet")
    func table() async throws {
        let server = try APIServer()
        let first = Fixtures.signed(version: 1)
        try await server.publish(first)
        try await server.serve { port in
            let client = try client(port: port)
            #expect(
                try await client.table(fleet: Fixtures.fleet) == .table(envelope: first.envelopeBytes(), version: 1)
            )
            #expect(try await client.table(fleet: Fixtures.fleet, ifNoneMatch: 1) == .notModified(version: 1))
            #expect(
                try await client.table(fleet: Fixtures.fleet, ifNoneMatch: 0)
                    == .table(envelope: first.envelopeBytes(), version: 1)
            )
            await #expect {
                _ = try await client.table(fleet: "fleet-z")
            } throws: { error in
                guard case TableClientError.status(let url, 404, let message) = error else { return false }
                return url == "http://127.0.0.1:\(port)/v1/fleets/fleet-z/table" && message.contains("fleet-z")
            }
        }
    }

    @Test("long-poll: answers at once when behind, wakes up on a publish, times out with 304")
    func longPoll() async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        try await server.serve { port in
            let client = try client(port: port)
            #expect(
                isTable(try await client.waitForTable(fleet: Fixtures.fleet, after: 0, wait: .seconds(5)), version: 1)
            )
            #expect(
                try await client.waitForTable(fleet: Fixtures.fleet, after: 1, wait: .milliseconds(100))
                    == .notModified(version: 1)
            )
            async let parked = client.waitForTable(fleet: Fixtures.fleet, after: 1, wait: .seconds(10))
            try await waitForCondition { await server.cache.watcherCount(fleet: Fixtures.fleet) == 1 }
            let second = Fixtures.signed(version: 2)
            try await server.publish(second)
            #expect(try await parked == .table(envelope: second.envelopeBytes(), version: 2))
        }
    }

    @Test("long-poll: a wait above the server's maximum is a 400 naming wait")
    func longPollTooLong() async throws {
        let server = try APIServer(maximumWait: .seconds(1))
        try await server.serve { port in
            await #expect {
                _ = try await client(port: port).waitForTable(fleet: Fixtures.fleet, after: 0, wait: .seconds(2))
            } throws: { error in
                guard case TableClientError.status(_, 400, let message) = error else { return false }
                return message.contains("wait") && !(error as! TableClientError).isRetryable
            }
        }
    }

    @Test("SSE: the current table at once, then each new one")
    func stream() async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        try await server.serve { port in
            var iterator = try client(port: port).stream(fleet: Fixtures.fleet).makeAsyncIterator()
            #expect(try await iterator.next().map(version) == 1)
            try await server.publish(Fixtures.signed(version: 2))
            #expect(try await iterator.next().map(version) == 2)
        }
    }

    @Test("SSE: after the server goes away, reconnects with Last-Event-ID and gets only what is new")
    func streamReconnects() async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 1))
        let port = try await server.serve { port in port }
        let client = try client(port: port)
        var iterator = client.stream(fleet: Fixtures.fleet).makeAsyncIterator()
        let first = try await server.serve(port: port) { _ in try await iterator.next().map(version) }
        #expect(first == 1)
        // The server stopped with the stream open; it comes back on the same port with two newer tables.
        try await server.publish(Fixtures.signed(version: 2))
        try await server.publish(Fixtures.signed(version: 3))
        try await server.serve(port: port) { _ in
            #expect(try await iterator.next().map(version) == 3)
            try await server.publish(Fixtures.signed(version: 4))
            #expect(try await iterator.next().map(version) == 4)
        }
    }

    @Test("admin: 401 without a token, 403 with a wrong one, 200 with the result; nothing runs unless authorised")
    func admin() async throws {
        let server = try APIServer()
        try await server.serve { port in
            let client = try client(port: port)
            for (token, code) in [("", 401), ("wrong", 403)] {
                await #expect {
                    _ = try await client.rollback(fleet: Fixtures.fleet, toVersion: 3, token: token)
                } throws: { error in
                    guard case TableClientError.status(_, let status, _) = error else { return false }
                    return status == code && (error as! TableClientError).isAuthenticationFailure
                }
            }
            #expect(await server.admin.calls.isEmpty)
            let result = try await client.rollback(fleet: Fixtures.fleet, toVersion: 3, token: Fixtures.adminToken)
            #expect(result == .object(["fleet": .string(Fixtures.fleet), "version": .number("13")]))
            _ = try await client.admin(.pause, fleet: Fixtures.fleet, token: Fixtures.adminToken)
            #expect(await server.admin.calls == ["rollback fleet-a 3", "pause fleet-a"])
        }
    }

    @Test("status: the served versions")
    func status() async throws {
        let server = try APIServer()
        try await server.publish(Fixtures.signed(version: 5))
        try await server.serve { port in
            guard case .object(let members) = try await client(port: port).status(fleet: Fixtures.fleet),
                case .object(let active)? = members["active"]
            else {
                Issue.record("status is not an object with an active table")
                return
            }
            #expect(members["fleet"] == .string(Fixtures.fleet))
            #expect(active["version"] == .number("5"))
        }
    }

    @Test("a refused connection is a retryable connectionFailed naming the URL")
    func refused() async throws {
        let port = try await APIServer().serve { port in port }
        await #expect {
            _ = try await client(port: port).table(fleet: Fixtures.fleet)
        } throws: { error in
            guard case TableClientError.connectionFailed(let url, _) = error else { return false }
            return url == "http://127.0.0.1:\(port)/v1/fleets/fleet-a/table" && (error as! TableClientError).isRetryable
        }
    }

    @Test("a server that accepts but never answers: timedOut naming the URL and the limit, retryable")
    func timeout() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        let client = try TableClient(
            url: "http://127.0.0.1:\(port)",
            configuration: TableClientConfiguration(requestTimeout: .milliseconds(200))
        )
        await #expect {
            _ = try await client.table(fleet: Fixtures.fleet)
        } throws: { error in
            guard case TableClientError.timedOut(let url, let after) = error else { return false }
            return url == "http://127.0.0.1:\(port)/v1/fleets/fleet-a/table" && after == .milliseconds(200)
                && (error as! TableClientError).isRetryable
        }
    }

    @Test(
        "base URLs: scheme, host and port only",
        arguments: [
            ("https://example.com", "must start with http://"), ("http://", "has no host"),
            ("http://host:0", "port must be"), ("http://host:8080/v1", "must be only scheme, host and port"),
            ("http://[::1", "unclosed"),
        ]
    )
    func invalidURLs(url: String, reason: String) {
        #expect {
            _ = try TableClient(url: url)
        } throws: { error in
            guard case TableClientError.invalidURL(let given, let why) = error else { return false }
            return given == url && why.contains(reason)
        }
    }

    @Test("base URLs that parse")
    func validURLs() throws {
        #expect(try TableClient(url: "http://127.0.0.1:8080/").baseURL == "http://127.0.0.1:8080")
        #expect(try TableClient(url: "http://[::1]:9000").baseURL == "http://[::1]:9000")
        #expect(try TableClient(url: "http://controller").baseURL == "http://controller")
    }

    @Test("backoff doubles from the initial delay up to the cap, with jitter in [1/2, 1], and resets")
    func backoff() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        var generator = SeededGenerator(seed: 3)
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            let ceiling = backoff.ceiling
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
            ceilings.append(ceiling)
        }
        #expect(
            ceilings == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ]
        )
        backoff.reset()
        #expect(backoff.ceiling == .milliseconds(100))
    }
}

/// The version of a served envelope.
private func version(_ envelope: [UInt8]) throws -> UInt64 {
    try SignedTable(envelope: envelope).table.version
}

/// Whether a response is a table of `version`.
private func isTable(_ response: TableResponse, version: UInt64) -> Bool {
    if case .table(_, let served) = response { return served == version }
    return false
}
