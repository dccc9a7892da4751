import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Kills a writer process (`store-crash-writer`, built next to the test binary) at random moments while it
/// applies batches, then checks the file: intact, and every committed batch fully present, none partially.
///
/// The writer's batches are described in `Sources/store-crash-writer/CrashWriterBatch.swift`: after `n`
/// committed batches of a group, its partition 0 is at 500n, partition 1 at n, and its fleet (named like the
/// group) has 500n events, 100n shadow samples and n applied acknowledgements of version 1.
@Suite("Crash safety")
struct CrashSafetyTests {
    private let topic = "consroute.telemetry"

    @Test("SIGKILL mid-write leaves an intact file whose statistics and offsets agree, round after round")
    func killMidWrite() async throws {
        let writer = try writerExecutable()
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("crash.sqlite")
        var random = SeededGenerator(seed: 20_261_122)
        var committed: Int64 = 0
        for round in 1...4 {
            let child = try ChildProcess(
                executable: writer,
                arguments: [path, "60", "crash-writer"],
                errorLog: directory.url.appendingPathComponent("writer.log")
            )
            try await waitForProgress(path: path, group: "crash-writer", beyond: committed, child: child)
            try await Task.sleep(for: .milliseconds(20 + Int(random.next() % 300)))
            kill(child.process.processIdentifier, SIGKILL)
            await child.exited()
            #expect(child.process.terminationReason == .uncaughtSignal, "round \(round): the writer was not killed")

            let store = try HistoryStore(path: path)
            #expect(try await store.integrityProblems().isEmpty, "round \(round)")
            let next = try await checkCommittedBatches(store, group: "crash-writer")
            #expect(next > committed, "round \(round): no batch committed")
            committed = next
        }
    }

    @Test("several writer processes opening one new file at once all migrate it and lose no batch")
    func concurrentWriterProcesses() async throws {
        let writer = try writerExecutable()
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("shared.sqlite")
        let groups = (0..<4).map { "writer-\($0)" }
        let children = try groups.map { group in
            try ChildProcess(
                executable: writer,
                arguments: [path, "1", group],
                errorLog: directory.url.appendingPathComponent("\(group).log")
            )
        }
        for (group, child) in zip(groups, children) {
            await child.exited()
            let log = (try? String(contentsOf: child.errorLog, encoding: .utf8)) ?? ""
            #expect(
                child.process.terminationReason == .exit && child.process.terminationStatus == 0,
                "\(group): \(log)"
            )
        }
        let store = try HistoryStore(path: path)
        #expect(try await store.integrityProblems().isEmpty)
        #expect(try await store.appliedMigrations() == everyMigration)
        for group in groups {
            #expect(try await checkCommittedBatches(store, group: group) > 0, "\(group) committed nothing")
        }
    }

    /// Checks that the writer of `group` left whole batches only (see `CrashWriterBatch`) and returns its
    /// committed offset on partition 0.
    private func checkCommittedBatches(_ store: HistoryStore, group: String) async throws -> Int64 {
        let offsets = try await store.storedOffsets(group: group, topic: topic)
        let next = try #require(offsets[0], "\(group) stored no offset")
        #expect(next % 500 == 0, "\(group)")
        let batches = next / 500
        #expect(offsets[1] == batches, "\(group)")
        let totals = try await store.statistics(HistoryQuery(fleet: group)).reduce(into: StatisticsSums()) {
            $0.merge($1.sums)
        }
        #expect(totals.eventCount == next, "\(group)")
        #expect(totals.shadowCount == next / 5, "\(group)")
        #expect(try await store.acknowledgements(fleet: group, version: 1).map(\.applied) == [batches], "\(group)")
        return next
    }

    /// Polls the database (WAL lets this reader run beside the writer) until `group` has committed past `beyond`.
    private func waitForProgress(path: String, group: String, beyond committed: Int64, child: ChildProcess)
        async throws
    {
        let progressed = try await poll(every: .milliseconds(10)) {
            if FileManager.default.fileExists(atPath: path), child.process.isRunning {
                let store = try HistoryStore(path: path)
                if let next = try await store.storedOffsets(group: group, topic: topic)[0], next > committed {
                    return true
                }
            }
            if !child.process.isRunning {
                let log = (try? String(contentsOf: child.errorLog, encoding: .utf8)) ?? ""
                throw CrashTestSetupError.writerFailed(log: log)
            }
            return false
        }
        if progressed { return }
        kill(child.process.processIdentifier, SIGKILL)
        throw CrashTestSetupError.writerStalled
    }

    private func writerExecutable() throws -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("store-crash-writer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CrashTestSetupError.writerNotBuilt(near: testBinary.path)
    }
}

/// A child process whose exit can be awaited without blocking a thread.
private final class ChildProcess: Sendable {
    let process: Process
    let errorLog: URL
    private let exit: AsyncStream<Void>

    /// Starts `executable`; its standard error goes to `errorLog` (appended), for failure messages.
    init(executable: URL, arguments: [String], errorLog: URL) throws {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: errorLog.path) {
            try Data().write(to: errorLog)
        }
        let log = try FileHandle(forWritingTo: errorLog)
        log.seekToEndOfFile()
        process.standardError = log
        self.errorLog = errorLog
        process.terminationHandler = { _ in
            continuation.yield()
            continuation.finish()
        }
        try process.run()
        self.process = process
        self.exit = stream
    }

    func exited() async {
        for await _ in exit {}
    }
}

private enum CrashTestSetupError: Error, CustomStringConvertible {
    case writerNotBuilt(near: String)
    case writerFailed(log: String)
    case writerStalled

    var description: String {
        switch self {
        case .writerNotBuilt(let near):
            "store-crash-writer was not found near \(near); build the package (swift build) before testing"
        case .writerFailed(let log):
            "store-crash-writer exited before it was killed: \(log)"
        case .writerStalled:
            "store-crash-writer committed nothing within 60 s"
        }
    }
}
