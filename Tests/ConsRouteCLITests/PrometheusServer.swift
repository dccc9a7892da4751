import ConsRouteTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real Prometheus (Debian's `prometheus` package) on a free loopback port, scraping the given targets (or
/// nothing), over a storage folder that may hold backfilled blocks.
final class PrometheusServer {
    let url: String
    private let process = Process()
    private let log: String

    /// Starts Prometheus and waits until it is ready.
    /// - Parameters:
    ///   - storage: The TSDB folder (created if missing).
    ///   - directory: Where the configuration and the log go.
    ///   - scrapeTargets: `host:port` of controllers to scrape at `/metrics` (none: scrape nothing).
    ///   - scrapeInterval: The scrape interval, e.g. `1s`.
    init(storage: String, directory: TemporaryDirectory, scrapeTargets: [String] = [], scrapeInterval: String = "5s")
        async throws
    {
        let executable = try installedProgram("prometheus")
        let port = try freeLoopbackPort()
        url = "http://127.0.0.1:\(port)"
        let config = directory.path("prometheus-empty.yml")
        let jobs =
            scrapeTargets.isEmpty
            ? "scrape_configs: []\n"
            : "scrape_configs:\n  - job_name: consroute\n    metrics_path: /metrics\n    static_configs:\n"
                + "      - targets: [\(scrapeTargets.map { "'\($0)'" }.joined(separator: ", "))]\n"
        try "global:\n  scrape_interval: \(scrapeInterval)\n\(jobs)".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        log = directory.path("prometheus.log")
        try Data().write(to: URL(fileURLWithPath: log))
        process.executableURL = executable
        process.arguments = [
            "--config.file=\(config)", "--web.listen-address=127.0.0.1:\(port)", "--storage.tsdb.path=\(storage)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("Server is ready to receive web requests") { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw TestSetupError(description: "prometheus did not become ready on \(url): \(text.suffix(2_000))")
    }

    /// Stops Prometheus (SIGTERM) without waiting.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    /// Stops Prometheus and waits until it has exited.
    func shutDown() async throws {
        stop()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    }

    deinit { stop() }
}

/// The path of a program on PATH.
/// - Throws: `TestSetupError` saying how to install it when it is missing.
func installedProgram(_ name: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw TestSetupError(
        description: "\(name) is not on PATH: run bash scripts/install-deps.sh --test (apt prometheus)"
    )
}

/// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0, read back, released.
func freeLoopbackPort() throws -> Int {
    let (socketDescriptor, port) = try boundLoopbackSocket()
    close(socketDescriptor)
    return port
}

/// A TCP socket bound to a free port on 127.0.0.1 (listening when `listening`), and the port; the caller closes it.
func boundLoopbackSocket(listening: Bool = false) throws -> (descriptor: Int32, port: Int) {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketDescriptor >= 0 else { throw TestSetupError(description: "socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socketDescriptor, generic, length) == 0 && getsockname(socketDescriptor, generic, &length) == 0
        }
    }
    guard bound, !listening || listen(socketDescriptor, 1) == 0 else {
        close(socketDescriptor)
        throw TestSetupError(description: "cannot bind a loopback port: errno \(errno)")
    }
    return (socketDescriptor, Int(UInt16(bigEndian: address.sin_port)))
}
