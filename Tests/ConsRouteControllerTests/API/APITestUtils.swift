import ConsRouteClient
import ConsRouteController
import ConsRouteModel
import ConsRouteTestSupport
import ConsRouteTuning
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization
import Testing

/// Signed example tables for the API tests.
enum Fixtures {
    static let key = TableSigningKey()
    static let adminToken = "admin-token-0123456789"

    /// A small signed table of `fleet` with `version`, as active or as a canary for `percent` of devices.
    static func signed(
        fleet: String = "fleet-a",
        version: UInt64,
        stage: Rollout.Stage = .active,
        percent: Double = 100,
        salt: String = ""
    ) -> SignedTable {
        SignedTableFixture.signed(
            fleet: fleet,
            version: version,
            stage: stage,
            percent: percent,
            salt: salt,
            key: key
        )
    }

    /// The first device id `d-<n>` that is (or is not) in the cohort of `salt` and `percent`.
    static func device(salt: String, percent: Double, inCohort: Bool) -> String {
        var index = 0
        while CanaryCohort.contains(deviceID: "d-\(index)", salt: salt, percent: percent) != inCohort { index += 1 }
        return "d-\(index)"
    }

    /// The version inside an envelope served by the API.
    static func version(ofEnvelope bytes: some Sequence<UInt8>) throws -> UInt64 {
        try SignedTable(envelope: Array(bytes)).table.version
    }
}

/// Past tables held in memory.
actor InMemoryTableHistory: TableHistory {
    private var tables: [String: [UInt64: SignedTable]] = [:]

    func record(_ signed: SignedTable) {
        tables[signed.table.fleet, default: [:]][signed.table.version] = signed
    }

    func table(fleet: String, version: UInt64) async throws -> SignedTable? {
        tables[fleet]?[version]
    }
}

/// Fixed extra status fields per fleet.
struct FixedStatusProvider: FleetStatusProvider {
    let fields: [String: [String: JSONValue]]
    var configuredFleets: Set<String>? = nil

    func additionalStatus(fleet: String) async throws -> [String: JSONValue]? {
        fields[fleet]
    }
}

/// Admin actions that record their calls and answer `{"action": name, "fleet": fleet}`, or fail with `failure`.
actor RecordingAdminActions: AdminActions {
    private(set) var calls: [String] = []
    private var failure: AdminActionError?

    func fail(with error: AdminActionError?) { failure = error }

    private func record(_ call: String, fleet: String) throws -> JSONValue {
        calls.append(call)
        if let failure { throw failure }
        return .object(["action": .string(call), "fleet": .string(fleet)])
    }

    func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue {
        try record("rollback:\(version)", fleet: fleet)
    }
    func retune(fleet: String) async throws -> JSONValue { try record("retune", fleet: fleet) }
    func pause(fleet: String) async throws -> JSONValue { try record("pause", fleet: fleet) }
    func resume(fleet: String) async throws -> JSONValue { try record("resume", fleet: fleet) }
    func promote(fleet: String) async throws -> JSONValue { try record("promote", fleet: fleet) }
}

/// A distribution API over in-memory collaborators.
struct APIHarness {
    let cache = TableCache()
    let history = InMemoryTableHistory()
    let admin = RecordingAdminActions()
    let ready = ReadinessFlag()
    let api: DistributionAPI

    init(
        status: [String: [String: JSONValue]] = [:],
        heartbeat: Duration = .seconds(15),
        maximumWait: Duration = .seconds(60),
        configuredFleets: Set<String>? = nil,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maximumConnections: Int = 16_384
    ) throws {
        let ready = ready
        api = DistributionAPI(
            cache: cache,
            history: history,
            status: FixedStatusProvider(fields: status, configuredFleets: configuredFleets),
            admin: admin,
            metrics: DistributionMetrics(registry: PrometheusCollectorRegistry()),
            configuration: try DistributionAPIConfiguration(
                adminToken: Fixtures.adminToken,
                maximumWait: maximumWait,
                heartbeatInterval: heartbeat,
                headerTimeout: headerTimeout,
                idleTimeout: idleTimeout,
                maximumConnections: maximumConnections
            ),
            readiness: { ready.isReady }
        )
    }

    /// Publishes to the cache and records in history, as the controller's publisher does.
    @discardableResult
    func publish(_ signed: SignedTable) async throws -> PublishedTable {
        await history.record(signed)
        return try await cache.publish(signed)
    }

    func application() -> some ApplicationProtocol {
        api.buildApplication(configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
    }

    /// The application on 127.0.0.1 at a free port, and the port once it listens (run the application to get it).
    func listeningApplication() -> (application: some ApplicationProtocol, port: AsyncStream<Int>) {
        let (port, continuation) = AsyncStream<Int>.makeStream()
        let application = api.buildApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        )
        return (application, port)
    }
}

/// A readiness answer a test can flip.
final class ReadinessFlag: Sendable {
    private let value = Mutex(true)

    var isReady: Bool {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// What a test's server-sent-event client receives.
enum StreamItem: Sendable, Equatable {
    case head(status: Int, contentType: String?)
    case event(ServerSentEvent)
    case heartbeat
    case end
}

/// A minimal server-sent-event client over NIO, for the live tests.
struct EventStreamClient {
    let channel: any Channel
    let items: AsyncStream<StreamItem>

    /// Opens `GET path` on 127.0.0.1:`port` with extra `headers` and streams what arrives.
    static func connect(port: Int, path: String, headers: [(String, String)] = []) async throws -> EventStreamClient {
        let (items, continuation) = AsyncStream<StreamItem>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(EventStreamHandler(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(name: "Accept", value: "text/event-stream")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        return EventStreamClient(channel: channel, items: items)
    }

    func close() async {
        try? await channel.close().get()
    }
}

/// Turns response parts into `StreamItem`s.
final class EventStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private var parser = ServerSentEventParser()
    private let continuation: AsyncStream<StreamItem>.Continuation

    init(continuation: AsyncStream<StreamItem>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            continuation.yield(
                .head(status: Int(head.status.code), contentType: head.headers.first(name: "content-type"))
            )
        case .body(let buffer):
            if buffer.readableBytesView.first == UInt8(ascii: ":") { continuation.yield(.heartbeat) }
            for event in parser.parse(buffer.readableBytesView) { continuation.yield(.event(event)) }
        case .end:
            continuation.yield(.end)
            continuation.finish()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }
}

extension AsyncStream<StreamItem> {
    /// The next item, or nil if none arrives within `timeout` or the stream ended.
    func next(within timeout: Duration = .seconds(5)) async -> StreamItem? {
        await firstResult(within: timeout) {
            var iterator = self.makeAsyncIterator()
            return await iterator.next()
        }
    }
}

/// The `parameter` field of a 400 answer.
func parameter(of response: TestResponse) throws -> String? {
    guard case .object(let members) = try JSONValue.parse(response.body.readableBytesView),
        case .string(let name)? = members["parameter"]
    else { return nil }
    return name
}

/// The id of an item that is an event.
extension AsyncStream<StreamItem> {
    /// The next item other than a heartbeat, or nil if none arrives within `timeout` or the stream ended. The
    /// server's heartbeat fires on a timer, so under load (a test taking minutes on two busy cores) one can land
    /// between any two tables. The default only bounds a failure: under a suite's load on a 2-core Zen 1 a stream's
    /// tables came after 5 s.
    func nextSkippingHeartbeats(within timeout: Duration = .seconds(60)) async -> StreamItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let item = await next(within: left) else { return nil }
            if item != .heartbeat { return item }
        }
    }
}

func eventID(_ item: StreamItem?) -> String? {
    guard case .event(let event)? = item else { return nil }
    return event.id
}
