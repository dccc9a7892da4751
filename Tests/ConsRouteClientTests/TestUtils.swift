import ConsRouteClient
import ConsRouteController
import ConsRouteModel
import ConsRouteRouter
import ConsRouteTestSupport
import ConsRouteTuning
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// Keys and signed example tables.
enum Fixtures {
    static let key = TableSigningKey()
    static let otherKey = TableSigningKey()
    static let adminToken = "admin-token-0123456789"
    static let fleet = "fleet-a"
    /// One creation time for every fixture, so that the same version always has the same bytes.
    static let createdAtMs = Int64(Date().timeIntervalSince1970 * 1000)

    /// A small signed table of `fleet` with `version`.
    static func signed(version: UInt64, key: TableSigningKey = key) -> SignedTable {
        SignedTableFixture.signed(fleet: fleet, version: version, createdAtMs: createdAtMs, key: key)
    }

    /// The same table with its version rewritten after signing: the signature no longer matches.
    static func tampered(version: UInt64, claiming claimed: UInt64) -> SignedTable {
        let text = signed(version: version).envelopeString()
            .replacingOccurrences(of: "\"version\":\(version)", with: "\"version\":\(claimed)")
        return try! SignedTable(envelope: Array(text.utf8))
    }

    /// A router of `fleet` pinning `key`, with the example tables' fingerprint unless told otherwise.
    static func router(device: String = "device-1", fingerprint: Fingerprint? = nil) throws -> DeviceRouter {
        try DeviceRouter(
            configuration: RouterConfiguration(
                fleet: fleet,
                deviceID: device,
                fingerprint: fingerprint ?? signed(version: 1).table.fingerprint,
                trustedKeys: [key.verifyingKey]
            )
        )
    }
}

/// Admin actions that record their calls and answer `{"action": name, "version": N}`.
actor RecordingAdminActions: AdminActions {
    private(set) var calls: [String] = []

    private func record(_ call: String) -> JSONValue {
        calls.append(call)
        return .object(["action": .string(call)])
    }

    func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue {
        calls.append("rollback \(fleet) \(version)")
        return .object(["fleet": .string(fleet), "version": JSONValue(integer: version + 10)])
    }
    func retune(fleet: String) async throws -> JSONValue { record("retune \(fleet)") }
    func pause(fleet: String) async throws -> JSONValue { record("pause \(fleet)") }
    func resume(fleet: String) async throws -> JSONValue { record("resume \(fleet)") }
    func promote(fleet: String) async throws -> JSONValue { record("promote \(fleet)") }
}

/// No past tables, no extra status.
struct NoHistory: TableHistory, FleetStatusProvider {
    func table(fleet: String, version: UInt64) async throws -> SignedTable? { nil }
    func additionalStatus(fleet: String) async throws -> [String: JSONValue]? { nil }
}

/// The distribution API over an in-memory cache, served on 127.0.0.1.
struct APIServer {
    let cache = TableCache()
    let admin = RecordingAdminActions()
    let api: DistributionAPI

    init(maximumWait: Duration = .seconds(60)) throws {
        api = DistributionAPI(
            cache: cache,
            history: NoHistory(),
            status: NoHistory(),
            admin: admin,
            metrics: DistributionMetrics(registry: PrometheusCollectorRegistry()),
            configuration: try DistributionAPIConfiguration(
                adminToken: Fixtures.adminToken,
                maximumWait: maximumWait,
                heartbeatInterval: .seconds(15)
            ),
            readiness: { true }
        )
    }

    /// Runs the API on 127.0.0.1:`port` (0: any free port) while `body` runs, then stops it.
    @discardableResult
    func serve<Result: Sendable>(port: Int = 0, _ body: (_ port: Int) async throws -> Result) async throws -> Result {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = api.buildApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }
        )
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [app], logger: Logger(label: "test"))
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try #require(await ports.first(where: { _ in true }))
            do {
                let result = try await body(port)
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    func publish(_ signed: SignedTable) async throws {
        try await cache.publish(signed)
    }
}

/// A client of the API on 127.0.0.1:`port`, with short backoff for the tests.
func client(port: Int) throws -> TableClient {
    try TableClient(
        url: "http://127.0.0.1:\(port)",
        configuration: TableClientConfiguration(
            // Only a bound on a failure: generous, because a loaded CI machine can stall a test for seconds.
            requestTimeout: .seconds(30),
            backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        )
    )
}

/// A subscription of `router` through `client(port:)`. Long-polls wait 1 s: a parked long-poll ends on the server
/// only when its wait does, and the server's graceful shutdown waits for it.
func makeSubscription(port: Int, router: DeviceRouter, transport: TableTransport) throws -> TableSubscription {
    TableSubscription(client: try client(port: port), router: router, transport: transport, longPollWait: .seconds(1))
}

/// Acknowledgements collected from a subscription's callback.
final class AcknowledgementLog: Sendable {
    private let entries = Mutex<[TableAcknowledgement]>([])

    var all: [TableAcknowledgement] { entries.withLock { $0 } }

    func append(_ acknowledgement: TableAcknowledgement) {
        entries.withLock { $0.append(acknowledgement) }
    }
}
