import ArgumentParser
import ConsRouteClient
import ConsRouteModel
import Foundation

/// `consroute rollback`: publish a new version of a fleet with the content of a past one.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Publish a new version of a fleet's table with the content of a past version.",
        discussion: """
            Calls POST /v1/fleets/FLEET/rollback with {"to_version": V} on the controller at --url, with the \
            admin bearer token read from --token-file or, without it, from the CONSROUTE_ADMIN_TOKEN environment \
            variable. Versions only grow: the rollback is published as a new version, which the command prints.

            Exit codes: 0 the rollback was published; 1 it failed (controller unreachable, unknown fleet or \
            version, a conflict, controller unavailable; the message names the cause); 64 the command line is \
            wrong (including no token given); 77 the controller refused the token (401 or 403).
            """
    )

    @Option(name: .long, help: "The controller's API, http://host:port.")
    var url: String

    @Option(name: .long, help: "The fleet to roll back.")
    var fleet: String

    @Option(name: .customLong("to-version"), help: "The past version whose content to publish again.")
    var toVersion: UInt64

    @Option(name: .customLong("token-file"), help: "A file holding the admin token (default: $CONSROUTE_ADMIN_TOKEN).")
    var tokenFile: String?

    @Flag(name: .long, help: "Print the controller's JSON result.")
    var json = false

    func validate() throws {
        if tokenFile == nil, ProcessInfo.processInfo.environment["CONSROUTE_ADMIN_TOKEN", default: ""].isEmpty {
            throw ValidationError("give the admin token with --token-file FILE or in CONSROUTE_ADMIN_TOKEN")
        }
        do {
            _ = try TableClient(url: url)
        } catch {
            throw ValidationError("--url: \(error)")
        }
    }

    func run() async throws {
        let token = try adminToken()
        let result: JSONValue
        do {
            result = try await TableClient(url: url).rollback(fleet: fleet, toVersion: toVersion, token: token)
        } catch let error as TableClientError where error.isAuthenticationFailure {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(77)
        } catch let error as TableClientError {
            throw CommandFailure("\(error)")
        }
        if json {
            print(String(decoding: result.canonicalBytes(), as: UTF8.self))
        } else if case .object(let members) = result, case .number(let version)? = members["version"] {
            print("fleet \(fleet) rolled back to the content of version \(toVersion): published as version \(version)")
        } else {
            print(
                "fleet \(fleet) rolled back to the content of version \(toVersion): \(String(decoding: result.canonicalBytes(), as: UTF8.self))"
            )
        }
    }

    /// The token from the file (surrounding white space removed) or the environment.
    private func adminToken() throws -> String {
        guard let tokenFile else { return ProcessInfo.processInfo.environment["CONSROUTE_ADMIN_TOKEN", default: ""] }
        let token = String(decoding: try Files.read(tokenFile, what: "token file"), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CommandFailure("token file \(tokenFile) is empty") }
        return token
    }
}
