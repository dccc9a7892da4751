public import ConsRouteModel
import Foundation
import SwiftProtobuf

/// Reads telemetry written by `EventFileWriter` (or any producer of the same formats), in chunks, validating every
/// event with `TelemetryDecoder` against the fleet and dimension of the first event.
///
/// Malformed input is rejected with the line (JSON lines) or record index (protobuf) and the field at fault.
public final class EventFileReader: ReplayEventSource {
    /// The file read.
    public let path: String
    /// Its format.
    public let format: EventFileFormat
    /// The fleet of the file's events (from its first event).
    public private(set) var fleet = ""
    /// The representation length d of the file's events (from its first event).
    public private(set) var dimension = 0
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var isExhausted = false
    /// Lines (JSON) or records (protobuf) consumed so far.
    private var recordCount = 0
    private var decoder = TelemetryDecoder(fleets: [:])
    private var peeked: TelemetryEvent?
    /// Whether the last error was about one well-framed record's content (the next record can still be read),
    /// not the file's framing or reading.
    public private(set) var canSkipLastFault = false
    /// The length of the line `nextLine` read past last (over the decoder's limit), until reported.
    private var oversizeLineBytes: Int?

    /// Opens the file and reads its first event to learn the fleet and dimension.
    ///
    /// - Parameters:
    ///   - path: the file; its extension chooses the format unless `format` is given.
    ///   - format: the format to read.
    /// - Throws: `EventFileError`.
    public init(path: String, format: EventFileFormat? = nil) throws(EventFileError) {
        self.path = path
        if let format { self.format = format } else { self.format = try EventFileFormat(path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(file: path, reason: "cannot open the file")
        }
        self.handle = handle
        guard let first = try nextRecord() else { throw .empty(file: path) }
        let message: Consroute_V1_QueryEvent
        do {
            message =
                self.format == .jsonLines
                ? try Consroute_V1_QueryEvent(jsonUTF8Bytes: Data(first))
                : try Consroute_V1_QueryEvent(serializedBytes: first)
        } catch {
            throw fault(TelemetryRejection.malformed("\(error)").description)
        }
        fleet = message.fleet
        dimension = message.representation.count
        decoder = TelemetryDecoder(fleets: [fleet: dimension])
        peeked = try decode(first)
    }

    deinit { try? handle.close() }

    /// The next event, or nil at the end of the file.
    ///
    /// - Throws: `EventFileError.badLine` / `.badRecord` naming the field at fault, `.io`.
    /// - Complexity: O(size of the record).
    public func nextEvent() throws(EventFileError) -> TelemetryEvent? {
        canSkipLastFault = false
        if let event = peeked {
            peeked = nil
            return event
        }
        guard let record = try nextRecord() else { return nil }
        return try decode(record)
    }

    private func decode(_ record: [UInt8]) throws(EventFileError) -> TelemetryEvent {
        switch decoder.decode(record, format: format == .jsonLines ? .json : .protobuf) {
        case .success(let event): return event
        case .failure(let rejection):
            canSkipLastFault = true
            throw fault(rejection.description)
        }
    }

    /// An error about a record the file ends inside (a recording cut off): the reader is left at the end, so the
    /// records before it stand and none after it is lost.
    private func truncated(_ reason: String) -> EventFileError {
        position = buffer.count
        canSkipLastFault = true
        return fault(reason)
    }

    /// An error about the length-delimited framing of the record read last (the records after it cannot be found).
    private func framingFault(_ reason: String) -> EventFileError {
        .badFraming(file: path, index: recordCount - 1, reason: reason)
    }

    /// An error about the record read last.
    private func fault(_ reason: String) -> EventFileError {
        format == .jsonLines
            ? .badLine(file: path, line: recordCount, reason: reason)
            : .badRecord(file: path, index: recordCount - 1, reason: reason)
    }

    /// The next line (without its newline; blank lines are skipped) or length-delimited record.
    private func nextRecord() throws(EventFileError) -> [UInt8]? {
        switch format {
        case .jsonLines:
            while true {
                guard let line = try nextLine() else { return nil }
                recordCount += 1
                if let length = oversizeLineBytes {
                    // The line was consumed to its newline: the next one can be read.
                    oversizeLineBytes = nil
                    canSkipLastFault = true
                    throw fault(
                        TelemetryRejection.oversize(bytes: length, limit: decoder.maximumMessageBytes).description
                    )
                }
                if line.contains(where: {
                    $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t")
                }) {
                    return line
                }
            }
        case .lengthDelimited:
            guard try ensure(1) else { return nil }
            recordCount += 1
            var length: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard try ensure(1) else { throw truncated("truncated length prefix") }
                let byte = buffer[position]
                position += 1
                length |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
                guard shift < 64 else { throw framingFault("length prefix is not a valid varint") }
            }
            guard length <= UInt64(decoder.maximumMessageBytes) else {
                throw framingFault("record length \(length) is over the \(decoder.maximumMessageBytes)-byte limit")
            }
            guard try ensure(Int(length)) else { throw truncated("truncated record: \(length) bytes announced") }
            let record = Array(buffer[position..<position + Int(length)])
            position += Int(length)
            return record
        }
    }

    /// The next line without its newline. A line longer than the decoder's message limit is read past, not kept
    /// (a hostile or corrupt file need not fit in memory): it comes back empty with its length in
    /// `oversizeLineBytes`.
    private func nextLine() throws(EventFileError) -> [UInt8]? {
        var searchFrom = position
        var discarded = 0
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                return finished(line, discarded: discarded)
            }
            searchFrom = buffer.count
            if isExhausted {
                guard position < buffer.count || discarded > 0 else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return finished(line, discarded: discarded)
            }
            if buffer.count - position > decoder.maximumMessageBytes {
                discarded += buffer.count - position
                position = buffer.count
                searchFrom = buffer.count
            }
            let consumed = position
            try refill()
            searchFrom -= consumed
        }
    }

    /// `line`, or an empty line with `oversizeLineBytes` set when it (with the `discarded` bytes before it) is over
    /// the decoder's limit.
    private func finished(_ line: [UInt8], discarded: Int) -> [UInt8] {
        let length = discarded + line.count
        guard length > decoder.maximumMessageBytes else { return line }
        oversizeLineBytes = length
        return []
    }

    /// Makes at least `count` unread bytes available; false if the file ends before.
    private func ensure(_ count: Int) throws(EventFileError) -> Bool {
        while buffer.count - position < count {
            if isExhausted { return false }
            try refill()
        }
        return true
    }

    /// Drops consumed bytes and reads the next chunk.
    private func refill() throws(EventFileError) {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        do {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { isExhausted = true } else { buffer.append(contentsOf: chunk) }
        } catch {
            throw .io(file: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}
