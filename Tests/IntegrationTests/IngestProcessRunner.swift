import ConsRouteKafka
import Foundation

/// Starts the `consroute ingest` executable built next to the test bundle.
struct IngestProcessRunner {
    let broker: String
    let history: String
    let telemetryTopic: String
    let deadLetterTopic: String
    let group: String
    let fleets: [String: Int]

    func start() throws -> ChildProcess {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("consroute")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw IntegrationSetupError(
                description: "\(executable.path) is missing: build all products (swift build --build-tests)"
            )
        }
        var arguments = [
            "ingest", "--broker", broker, "--history", history, "--group", group, "--telemetry-topic", telemetryTopic,
            "--dlq-topic", deadLetterTopic, "--session-timeout-ms", "6000",
        ]
        for (fleet, dimension) in fleets.sorted(by: { $0.key < $1.key }) {
            arguments += ["--fleet", "\(fleet)=\(dimension)"]
        }
        return try ChildProcess(executable: executable, arguments: arguments)
    }
}

/// A child process with kill and wait (Foundation's `Process`, whose SIGKILL we want to send ourselves).
final class ChildProcess {
    private let process = Process()

    /// - Parameter logFile: where the process's standard output and error go (appended); nil: discarded.
    init(executable: URL, arguments: [String], logFile: String? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        if let logFile {
            if !FileManager.default.fileExists(atPath: logFile) {
                _ = FileManager.default.createFile(atPath: logFile, contents: nil)
            }
            if let handle = FileHandle(forWritingAtPath: logFile) {
                handle.seekToEndOfFile()
                process.standardOutput = handle
                process.standardError = handle
            }
        }
        try process.run()
    }

    func kill(signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    /// The exit status (negative: the signal) once the process ended, nil while it runs.
    var exitStatus: Int32? {
        guard !process.isRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }

    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }
}
