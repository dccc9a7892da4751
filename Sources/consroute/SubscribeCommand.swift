public import ArgumentParser
import ConsRouteClient
import ConsRouteModel
import ConsRouteRouter
import Foundation

/// `consroute subscribe`: watch a fleet's tables as a device would.
struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Watch a fleet's tables as a device would: verify, apply, print each acknowledgement.",
        discussion: """
            A device router (ConsRouteRouter) subscribes to the distribution API at --url and checks every table \
            it receives: pinned key and signature (--public-key), fleet, fingerprint, version never lower, \
            expiry, canary cohort of --device. One line per table applied or rejected, with the reason; --json \
            prints each acknowledgement as a JSON line (the fields of the TableAck message).

            The local fingerprint is either given with the four options --representation-model, \
            --representation-dim, --reranker and --prompt-template, or, with --fingerprint-from-first, adopted \
            from the first table whose signature verifies against a pinned key (later tables must then carry the \
            same one). Connection failures are retried with backoff; the command runs until interrupted or \
            until --count tables were received.

            Exit codes: 0 after --count tables; 1 the API refused the subscription or a key file is unusable \
            (the message names the cause); 64 the command line is wrong.
            """
    )

    @Option(name: .long, help: "The distribution API, http://host:port.")
    var url: String

    @Option(name: .long, help: "The fleet to watch.")
    var fleet: String

    @Option(name: .customLong("public-key"), help: "A pinned public key file (repeat for several).")
    var publicKeys: [String] = []

    @Option(name: .long, help: "The device id (selects canary cohorts).")
    var device = "consroute-subscribe"

    @Option(name: .long, help: "sse (server-sent events) or longpoll.")
    var transport: TableTransport = .sse

    @Flag(name: .customLong("fingerprint-from-first"), help: "Adopt the first verified table's fingerprint.")
    var fingerprintFromFirst = false

    @Option(name: .customLong("representation-model"), help: "Local fingerprint: the representation model.")
    var representationModel: String?

    @Option(name: .customLong("representation-dim"), help: "Local fingerprint: the representation length d.")
    var representationDim: Int?

    @Option(name: .long, help: "Local fingerprint: the reranker.")
    var reranker: String?

    @Option(name: .customLong("prompt-template"), help: "Local fingerprint: the prompt template.")
    var promptTemplate: String?

    @Flag(name: .long, help: "Print each acknowledgement as a JSON line.")
    var json = false

    @Option(name: .long, help: "Exit after this many tables (applied or rejected).")
    var count: Int?

    func validate() throws {
        guard !publicKeys.isEmpty else { throw ValidationError("pass at least one --public-key") }
        let given = [representationModel != nil, representationDim != nil, reranker != nil, promptTemplate != nil]
        if fingerprintFromFirst {
            guard !given.contains(true) else {
                throw ValidationError("--fingerprint-from-first cannot be combined with the fingerprint options")
            }
        } else {
            guard !given.contains(false) else {
                throw ValidationError(
                    "give the local fingerprint (--representation-model, --representation-dim, --reranker, "
                        + "--prompt-template) or --fingerprint-from-first"
                )
            }
        }
        if let representationDim, representationDim < 1 {
            throw ValidationError("--representation-dim must be >= 1, is \(representationDim)")
        }
        if let count, count < 1 { throw ValidationError("--count must be >= 1, is \(count)") }
        do {
            _ = try TableClient(url: url)
        } catch {
            throw ValidationError("--url: \(error)")
        }
    }

    func run() async throws {
        let keys = try Files.verifyingKeys(publicKeys)
        let client = try TableClient(url: url)
        let fingerprint = try await localFingerprint(client: client, keys: keys)
        let router = try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: fleet,
                deviceID: device,
                fingerprint: fingerprint,
                trustedKeys: keys
            )
        )
        let subscription = TableSubscription(client: client, router: router, transport: transport)
        let (acknowledgements, continuation) = AsyncThrowingStream<TableAcknowledgement, any Error>.makeStream()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await subscription.run { continuation.yield($0) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                var received = 0
                for try await acknowledgement in acknowledgements {
                    // Unbuffered: a pipe (`| jq`) sees each table when it arrives.
                    FileHandle.standardOutput.write(Data((line(acknowledgement, router: router) + "\n").utf8))
                    received += 1
                    if let count, received >= count { break }
                }
                group.cancelAll()
            }
        } catch let error as TableClientError {
            throw CommandFailure("\(error)")
        }
    }

    /// The fingerprint from the options, or the first verified table's.
    private func localFingerprint(client: TableClient, keys: [TableVerifyingKey]) async throws -> Fingerprint {
        if let representationModel, let representationDim, let reranker, let promptTemplate {
            return Fingerprint(
                representationModel: representationModel,
                representationDim: representationDim,
                reranker: reranker,
                promptTemplate: promptTemplate
            )
        }
        var announced = false
        while true {
            let response: TableResponse
            do {
                response = try await client.waitForTable(fleet: fleet, device: device, after: 0, wait: .seconds(30))
            } catch let error as TableClientError {
                throw CommandFailure("cannot fetch the first table to adopt its fingerprint: \(error)")
            }
            guard case .table(let envelope, let version) = response else {
                if !announced {
                    FileHandle.standardError.write(Data("waiting for the first table of fleet \(fleet)...\n".utf8))
                    announced = true
                }
                continue
            }
            do {
                let signed = try SignedTable(envelope: envelope)
                try signed.verifySignature(trusting: keys)
                FileHandle.standardError.write(
                    Data("adopted fingerprint \(signed.table.fingerprint) from version \(version)\n".utf8)
                )
                return signed.table.fingerprint
            } catch {
                throw CommandFailure("the first table (version \(version)) cannot give its fingerprint: \(error)")
            }
        }
    }

    /// One output line: text, or the acknowledgement as canonical JSON.
    private func line(_ acknowledgement: TableAcknowledgement, router: DeviceRouter) -> String {
        if json {
            let members: [String: JSONValue] = [
                "fleet": .string(acknowledgement.fleet), "device_id": .string(acknowledgement.deviceID),
                "version": JSONValue(integer: acknowledgement.version), "applied": .bool(acknowledgement.applied),
                "reason": .string(acknowledgement.reason),
                "time_unix_ms": JSONValue(integer: acknowledgement.timeUnixMs),
            ]
            return String(decoding: JSONValue.object(members).canonicalBytes(), as: UTF8.self)
        }
        let prefix = "\(TimeText.utc(acknowledgement.timeUnixMs)) \(acknowledgement.fleet) v\(acknowledgement.version)"
        guard acknowledgement.applied else { return "\(prefix) rejected: \(acknowledgement.reason)" }
        guard let table = router.table?.table, table.version == acknowledgement.version else {
            return "\(prefix) applied"
        }
        let rollout = table.rollout.stage == .canary ? "canary \(table.rollout.percent)%" : "active"
        return
            "\(prefix) applied: \(table.clusters.count) clusters, \(rollout), expires \(TimeText.utc(table.expiresAtMs))"
    }
}

/// `--transport sse|longpoll`.
extension TableTransport: ExpressibleByArgument {}
