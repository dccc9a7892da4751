import ConsRouteClient
import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// `publish-fanout`: the time from `TableCache.publish` to each of 10,000 server-sent-event subscribers' receipt of
/// the new version, over loopback.
///
/// The API runs in this process on 127.0.0.1 (ephemeral port). The subscribers run in a child process (this same
/// executable, re-run with `CONSROUTE_FANOUT_PORT` set): 10,000 connections need 20,000 descriptors on one host,
/// and the hard limit here is 20,000 per process (`setrlimit` cannot raise it), so server and clients get a
/// process each. Both share the machine's cores, so the subscribers' cost (NIO channels, HTTP/1.1 chunked decoding,
/// a `memchr`-based SSE parser, one clock read per event) is inside the figures. Receipts are stamped with
/// `CLOCK_MONOTONIC`, which both processes share.
enum PublishFanoutBenchmark {
    static let subscriberCount = 10_000
    static let publishCount = 20
    /// The table shapes published, `publishCount` versions each: the design's k=16, d=64 (about 13 kB), then a
    /// tiny k=2, d=4 table, which separates the per-subscriber cost from the per-byte cost.
    static let shapes = [(clusters: 16, dimension: 64), (clusters: 2, dimension: 4)]
    static var versionCount: Int { 1 + shapes.count * publishCount }
    static let spacing: Duration = .milliseconds(250)
    static let fleet = "bench"
    static let portVariable = "CONSROUTE_FANOUT_PORT"
    static let countVariable = "CONSROUTE_FANOUT_SUBSCRIBERS"
    /// The subscriber process's event-loop threads (default 1), inherited from the environment by the child.
    static let loopsVariable = "CONSROUTE_FANOUT_CLIENT_LOOPS"
    static var clientLoops: Int {
        ProcessInfo.processInfo.environment[loopsVariable].flatMap(Int.init).map { max(1, $0) } ?? 1
    }

    static func run(_ context: BenchContext) throws {
        let environment = ProcessInfo.processInfo.environment
        if let port = environment[portVariable].flatMap(Int.init) {
            let count = environment[countVariable].flatMap(Int.init) ?? subscriberCount
            try FanoutSubscribers(port: port, count: count, versions: versionCount, loops: clientLoops).run()
            return
        }
        let count = context.limit.map { min($0, subscriberCount) } ?? subscriberCount
        let records = try blocking { try await serve(context, subscribers: count) }
        for record in records { context.emit(record) }
    }

    /// Runs the API, publishes, and measures; returns one JSON record per table shape.
    static func serve(_ context: BenchContext, subscribers: Int) async throws -> [[String: any Sendable]] {
        let cache = TableCache()
        let api = DistributionAPI(
            cache: cache,
            history: CacheHistory(cache: cache),
            status: NoStatus(),
            admin: NoAdmin(),
            metrics: DistributionMetrics(registry: PrometheusCollectorRegistry()),
            configuration: try DistributionAPIConfiguration(adminToken: UUID().uuidString),
            readiness: { true }
        )
        let key = TableSigningKey()
        var generator = SeededGenerator(seed: 7)
        let tables = try (1...UInt64(versionCount)).map { version in
            let shape = shapes[max(0, Int(version) - 2) / publishCount]
            let table = ThresholdTable.example(
                fleet: fleet,
                version: version,
                dimension: shape.dimension,
                clusterCount: shape.clusters,
                using: &generator
            )
            return try SignedTable(signing: table, with: key)
        }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = api.buildApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), backlog: 4096),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }
        )
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [app], logger: Logger(label: "publish-fanout"))
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            defer { group.cancelAll() }
            guard let port = await ports.first(where: { _ in true }), port > 0 else {
                throw BenchError("publish-fanout: the API did not start")
            }
            try await cache.publish(tables[0])
            let child = try SubscriberProcess(port: port, subscribers: subscribers, dataRoot: context.dataRoot)
            var lines = child.lines.makeAsyncIterator()
            try await expect("ready", from: &lines)
            var publishedAt: [UInt64: UInt64] = [:]
            var serverCPU: [Double] = []
            var clientCPU: [Double] = []
            for table in tables.dropFirst() {
                let cpuBefore = processCPUSeconds()
                publishedAt[table.table.version] = monotonicNanoseconds()
                try await cache.publish(table)
                clientCPU.append(try await expectDone(version: table.table.version, from: &lines))
                serverCPU.append(processCPUSeconds() - cpuBefore)
                try await Task.sleep(for: spacing)
            }
            var latencies: [[Double]] = []
            for _ in 2...versionCount {
                guard let line = await lines.next() else { throw BenchError("publish-fanout: subscribers ended early") }
                let fields = line.split(separator: " ")
                guard fields.count == subscribers + 2, fields[0] == "receipts", let version = UInt64(fields[1]),
                    let published = publishedAt[version]
                else { throw BenchError("publish-fanout: malformed receipts line") }
                latencies.append(fields.dropFirst(2).map { Double(UInt64($0)! &- published) / 1e6 })
            }
            child.waitUntilExit()
            await services.triggerGracefulShutdown()
            try await group.next()
            return shapes.indices.map { index in
                let range = (index * publishCount)..<((index + 1) * publishCount)
                return record(
                    latencies: Array(latencies[range]),
                    subscribers: subscribers,
                    shape: shapes[index],
                    envelopeBytes: tables[1 + index * publishCount].envelopeBytes().count,
                    serverCPU: Array(serverCPU[range]),
                    clientCPU: Array(zip(clientCPU, [0] + clientCPU).map(-)[range])
                )
            }
        }
    }

    /// The JSON record in the peers' shape; latencies in milliseconds.
    static func record(
        latencies: [[Double]],
        subscribers: Int,
        shape: (clusters: Int, dimension: Int),
        envelopeBytes: Int,
        serverCPU: [Double],
        clientCPU: [Double]
    ) -> [String: any Sendable] {
        let all = latencies.flatMap { $0 }.sorted()
        let perPublishP99 = latencies.map { percentile($0.sorted(), 0.99) }
        let lastReceipts = latencies.map { $0.max() ?? 0 }
        let clientSteady = clientCPU.count > 1 ? Array(clientCPU.dropFirst()) : clientCPU
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // Server and subscribers share the cores: the last receipt cannot come sooner than their CPU time per publish
        // spread over every core, however well either is written.
        let floor = (median(serverCPU) + median(clientSteady)) * 1000 / Double(cores)
        return [
            "workload": "publish-fanout", "peer": "consroute.DistributionAPI+TableCache", "dataset": "synthetic",
            "params": [
                "subscribers": subscribers, "publishes": latencies.count, "spacing_ms": 250,
                "table": "example k=\(shape.clusters) d=\(shape.dimension)", "envelope_bytes": envelopeBytes,
                "transport": "SSE over HTTP/1.1, loopback",
                "clients": "child process, NIO, \(clientLoops) event loop(s)", "cores": cores,
            ] as [String: any Sendable],
            "receipts": all.count,
            "latency_ms_p50": rounded(percentile(all, 0.5), 3), "latency_ms_p99": rounded(percentile(all, 0.99), 3),
            "latency_ms_max": rounded(all.last ?? 0, 3),
            "p99_per_publish_ms_median": rounded(median(perPublishP99), 3),
            "p99_per_publish_ms": perPublishP99.map { rounded($0, 3) },
            "last_receipt_per_publish_ms_median": rounded(median(lastReceipts), 3),
            "server_cpu_ms_per_publish_median": rounded(median(serverCPU) * 1000, 3),
            "server_cpu_us_per_receipt": rounded(median(serverCPU) * 1e6 / Double(subscribers), 2),
            "subscribers_cpu_ms_per_publish_median": rounded(median(clientSteady) * 1000, 3),
            "subscribers_cpu_us_per_receipt": rounded(median(clientSteady) * 1e6 / Double(subscribers), 2),
            "cpu_floor_ms_per_publish": rounded(floor, 3),
            "target_p99_ms": 50,
        ]
    }

    /// The `q` quantile of sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Waits for `done <version> <cpu seconds>` and returns the subscriber process's CPU time so far.
    private static func expectDone(version: UInt64, from lines: inout AsyncStream<String>.Iterator) async throws
        -> Double
    {
        guard let line = await lines.next() else {
            throw BenchError("publish-fanout: subscribers ended before \(version)")
        }
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "done", fields[1] == "\(version)", let seconds = Double(fields[2]) else {
            throw BenchError("publish-fanout: expected done \(version) from the subscribers, got \(line)")
        }
        return seconds
    }

    private static func expect(_ wanted: String, from lines: inout AsyncStream<String>.Iterator) async throws {
        guard let line = await lines.next() else {
            throw BenchError("publish-fanout: subscribers ended before \(wanted)")
        }
        guard line == wanted else {
            throw BenchError("publish-fanout: expected \(wanted) from the subscribers, got \(line)")
        }
    }

    /// Runs `body` to completion from synchronous code.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.set(.success(try await body()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }
}

/// User plus system CPU time of this process (all threads), in seconds (`clock()`).
func processCPUSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
}

/// `CLOCK_MONOTONIC` in nanoseconds (Foundation's `systemUptime`): the same clock in every process of the machine.
func monotonicNanoseconds() -> UInt64 {
    UInt64(ProcessInfo.processInfo.systemUptime * 1e9)
}

/// A result handed from a task to the thread that waits for it.
final class ResultBox<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)

    func set(_ value: Result<T, any Error>) { result.withLock { $0 = value } }

    func get() throws -> T {
        guard let value = result.withLock({ $0 }) else { throw BenchError("publish-fanout: no result") }
        return try value.get()
    }
}

/// The child process that runs the subscribers, and its stdout as lines.
struct SubscriberProcess {
    let process: Process
    let lines: AsyncStream<String>

    /// Starts this executable as `consroute-bench --data <root> publish-fanout` with the port in the environment.
    init(port: Int, subscribers: Int, dataRoot: URL) throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--data", dataRoot.path, "publish-fanout"]
        var environment = ProcessInfo.processInfo.environment
        environment[PublishFanoutBenchmark.portVariable] = String(port)
        environment[PublishFanoutBenchmark.countVariable] = String(subscribers)
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        let (lines, continuation) = AsyncStream<String>.makeStream()
        self.lines = lines
        let reader = output.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            continuation.finish()
        }
        try process.run()
    }

    func waitUntilExit() { process.waitUntilExit() }
}

/// Past versions from the cache only (the benchmark has no history).
struct CacheHistory: TableHistory {
    let cache: TableCache

    func table(fleet: String, version: UInt64) async throws -> SignedTable? {
        await cache.tables(fleet: fleet).active.flatMap { $0.version == version ? $0.signed : nil }
    }
}

/// No controller status in the benchmark.
struct NoStatus: FleetStatusProvider {
    func additionalStatus(fleet: String) async throws -> [String: JSONValue]? { nil }
}

/// No admin actions in the benchmark.
struct NoAdmin: AdminActions {
    func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue {
        throw AdminActionError.unavailable("benchmark")
    }
    func retune(fleet: String) async throws -> JSONValue { throw AdminActionError.unavailable("benchmark") }
    func pause(fleet: String) async throws -> JSONValue { throw AdminActionError.unavailable("benchmark") }
    func resume(fleet: String) async throws -> JSONValue { throw AdminActionError.unavailable("benchmark") }
    func promote(fleet: String) async throws -> JSONValue { throw AdminActionError.unavailable("benchmark") }
}
