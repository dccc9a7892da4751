// store-crash-writer <database-path> <max-seconds> [group]
//
// The child process of the crash-safety tests: resumes from the stored consumer offsets of `group` (default
// `crash-writer`) and applies `CrashWriterBatch` effects back to back until killed or until max-seconds pass.
import ConsRouteStore
import Foundation

let arguments = CommandLine.arguments
guard (3...4).contains(arguments.count), let maxSeconds = Double(arguments[2]), maxSeconds > 0 else {
    FileHandle.standardError.write(Data("usage: store-crash-writer <database-path> <max-seconds> [group]\n".utf8))
    exit(64)
}
let batches = CrashWriterBatch(group: arguments.count == 4 ? arguments[3] : "crash-writer")
do {
    let store = try HistoryStore(path: arguments[1])
    let stored = try await store.storedOffsets(group: batches.group, topic: CrashWriterBatch.topic)
    var next = stored[0] ?? 0
    let deadline = ContinuousClock.now + .seconds(maxSeconds)
    while ContinuousClock.now < deadline {
        try await store.apply(batches.effect(startingAt: next))
        next += CrashWriterBatch.size
    }
} catch {
    FileHandle.standardError.write(Data("store-crash-writer: \(error)\n".utf8))
    exit(1)
}
