import ConsRouteTestSupport
import Foundation

/// Why a test could not set up what it needs; the test fails with this (it never skips).
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The output and exit status of a finished child process.
struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs a program to completion without blocking a thread: the output goes to files, the end is awaited.
/// - Parameters:
///   - executable: The program.
///   - arguments: Its arguments.
///   - environment: Variables to set on top of this process's environment.
///   - directory: The working directory.
func runProcess(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String] = [:],
    directory: URL? = nil
) async throws -> ProcessResult {
    let scratch = try TemporaryDirectory(prefix: "consroute-cli")
    try Data().write(to: scratch.url.appendingPathComponent("out"))
    try Data().write(to: scratch.url.appendingPathComponent("err"))
    let output = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("out"))
    let error = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("err"))
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    try output.close()
    try error.close()
    return ProcessResult(
        status: status,
        standardOutput: try String(contentsOfFile: scratch.path("out"), encoding: .utf8),
        standardError: try String(contentsOfFile: scratch.path("err"), encoding: .utf8)
    )
}

/// Runs the `consroute` executable built next to the test bundle.
func runConsroute(
    _ arguments: [String],
    environment: [String: String] = [:],
    directory: URL? = nil
) async throws -> ProcessResult {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("consroute")
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw TestSetupError(
            description: "\(executable.path) is missing: build all products (swift build --build-tests)"
        )
    }
    return try await runProcess(executable, arguments, environment: environment, directory: directory)
}

/// Parses a `--json` listing into its objects.
func jsonObjects(_ text: String) throws -> [[String: Any]] {
    guard let objects = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
        throw TestSetupError(description: "not a JSON array of objects: \(text)")
    }
    return objects
}

/// A long-running `consroute` child (the controller): its first output line, SIGTERM, its exit status.
final class ChildProcess: Sendable {
    private let process: Process
    private let output: Pipe

    init(consroute arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("consroute")
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The first line the child prints on standard output.
    func firstLine(within timeout: Duration) async throws -> String {
        let output = output
        let reader = Task.detached { () -> String in
            var collected = Data()
            while !collected.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            return String(decoding: collected, as: UTF8.self)
        }
        let line = await firstResult(within: timeout) { await reader.value }
        guard let line, !line.isEmpty else {
            stop()
            throw TestSetupError(description: "consroute printed nothing within \(timeout)")
        }
        return line
    }

    /// SIGTERM, if it still runs.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    /// Why the child ended (read after `exitStatus()`).
    var terminationReason: Process.TerminationReason { process.terminationReason }

    /// Waits for the exit; returns its status.
    func exitStatus() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        return process.terminationStatus
    }
}

/// Writes a one-topic scenario (`fleet`, `dimension`, `events`) to `directory` and returns its path: the smallest
/// input `consroute replay --scenario` runs on.
func writeOneTopicScenario(
    in directory: TemporaryDirectory,
    fleet: String,
    dimension: Int,
    events: Int
) throws -> String {
    let path = directory.path("\(fleet).yaml")
    try """
    fleet: \(fleet)
    dimension: \(dimension)
    events: \(events)
    topics:
      - {name: a, weight: 1, scores: {device: {beta: [30, 1]}, edge: {beta: [40, 1]}}}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
