import ConsRouteModel
import ConsRouteTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `consroute serve` as an operator meets it: each start-up failure is one line naming the cause with a
/// documented exit code, and SIGTERM stops it cleanly.
@Suite("consroute serve start-up and shutdown")
struct ServeCommandTests {
    /// A directory with a signing key and a configuration whose `extra` YAML is prepended.
    static func setUp(_ directory: TemporaryDirectory, extra: String = "", key: Bool = true) throws -> String {
        if key {
            try Data(KeyFile.privateKeyFile(TableSigningKey())).write(
                to: directory.url.appendingPathComponent("consroute.key")
            )
        }
        let yaml =
            extra + """
                keys: {signing_key_file: \(directory.path("consroute.key"))}
                history: {path: \(directory.path("history.sqlite"))}
                http: {port: 0, admin_token_file: \(directory.path("admin.token"))}
                fleets:
                  - name: phones
                    dimension: 8
                    fingerprint: {representation_model: m, reranker: r, prompt_template: p}
                """
        let path = directory.path("controller.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func oneLine(_ result: ProcessResult) -> String {
        result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a bad configuration: exit 78, one line naming the key")
    func badConfiguration() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.setUp(directory, extra: "loop: {tick: 5}\n")
        let result = try await runConsroute(["serve", "--config", path])
        #expect(result.status == 78)
        let message = Self.oneLine(result)
        #expect(message.contains("loop.tick: unknown key"))
        #expect(!message.contains("\n"))
    }

    @Test("a missing configuration file: exit 78, naming the path")
    func missingConfiguration() async throws {
        let result = try await runConsroute(["serve", "--config", "/nonexistent/controller.yaml"])
        #expect(result.status == 78)
        #expect(Self.oneLine(result).contains("/nonexistent/controller.yaml"))
    }

    @Test("a missing key file: exit 1, one line naming keys.signing_key_file")
    func missingKey() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.setUp(directory, key: false)
        let result = try await runConsroute(["serve", "--config", path])
        #expect(result.status == 1)
        let message = Self.oneLine(result)
        #expect(message.contains("keys.signing_key_file") && message.contains("no such file"))
        #expect(!message.contains("\n"))
    }

    @Test("an unreachable broker: exit 1, one line naming broker.bootstrap_servers")
    func unreachableBroker() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.setUp(
            directory,
            extra: "broker: {bootstrap_servers: \"127.0.0.1:1\", connect_timeout_s: 1}\n"
        )
        let result = try await runConsroute(["serve", "--config", path])
        #expect(result.status == 1)
        let message = Self.oneLine(result).split(separator: "\n").filter { $0.hasPrefix("consroute serve:") }
        #expect(message.count == 1)
        #expect(message.first?.contains("broker.bootstrap_servers: no broker reachable at 127.0.0.1:1") == true)
    }

    @Test("a port in use: exit 1, one line naming http.port")
    func portInUse() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let (socket, port) = try boundLoopbackSocket(listening: true)
        defer { close(socket) }
        let path = try Self.setUp(directory)
        let result = try await runConsroute(
            ["serve", "--config", path],
            environment: ["CONSROUTE_HTTP_PORT": String(port)]
        )
        #expect(result.status == 1)
        let lines = Self.oneLine(result).split(separator: "\n").filter { $0.hasPrefix("consroute serve:") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("http.port: cannot listen on 127.0.0.1:\(port)") == true)
    }

    @Test("SIGTERM after start: exit 0, admin token file created with mode 0600")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-cli")
        let path = try Self.setUp(directory)
        let process = try ChildProcess(consroute: ["serve", "--config", path, "--log-level", "warning"])
        let line = try await process.firstLine(within: .seconds(60))
        #expect(line.hasPrefix("consroute serve: http://127.0.0.1:"))
        #expect(line.contains("(embedded)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("admin.token"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        process.stop()
        let status = await process.exitStatus()
        #expect(process.terminationReason == .exit)
        #expect(status == 0)
    }
}
