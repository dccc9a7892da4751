public import ConsRouteModel
import Foundation

/// Writes telemetry to a file as JSON lines or length-delimited protobuf, buffered; `close()` flushes.
public final class EventFileWriter {
    /// The file written.
    public let path: String
    /// Its format.
    public let format: EventFileFormat
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    /// Creates (or truncates) the file.
    ///
    /// - Parameters:
    ///   - path: the file; its extension chooses the format unless `format` is given.
    ///   - format: the format to write.
    /// - Throws: `EventFileError.unknownFormat`, `.io`.
    public init(path: String, format: EventFileFormat? = nil) throws(EventFileError) {
        self.path = path
        if let format { self.format = format } else { self.format = try EventFileFormat(path: path) }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw .io(file: path, reason: "cannot create the file") }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends one event.
    ///
    /// - Throws: `EventFileError.io`.
    /// - Complexity: O(size of the event).
    public func write(_ event: TelemetryEvent) throws(EventFileError) {
        switch format {
        case .jsonLines:
            buffer.append(contentsOf: event.jsonString().utf8)
            buffer.append(UInt8(ascii: "\n"))
        case .lengthDelimited:
            let bytes = event.protobufBytes()
            var length = UInt64(bytes.count)
            while length >= 0x80 {
                buffer.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            buffer.append(UInt8(length))
            buffer.append(contentsOf: bytes)
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered.
    ///
    /// - Throws: `EventFileError.io`.
    public func flush() throws(EventFileError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(buffer))
        } catch {
            throw .io(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    ///
    /// - Throws: `EventFileError.io`.
    public func close() throws(EventFileError) {
        try flush()
        do {
            try handle.close()
        } catch {
            throw .io(file: path, reason: "cannot close: \(error.localizedDescription)")
        }
    }
}
