import Foundation
import Logging
import Synchronization

/// A `LogHandler` writing one line per message to a file (the demo keeps the terminal for its progress line).
struct FileLogHandler: LogHandler {
    /// The file, shared by every logger of the process; writes are serialised.
    final class Sink: Sendable {
        private let handle: Mutex<FileHandle>

        init(_ handle: FileHandle) { self.handle = Mutex(handle) }

        func write(_ line: String) {
            handle.withLock { $0.write(Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, file: Sink, level: Logger.Level) {
        self.label = label
        sink = file
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = ISO8601DateFormatter().string(from: Date())
        sink.write("\(time) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}
