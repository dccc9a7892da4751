#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An incremental parser of a `text/event-stream` body, for clients such as `consroute subscribe`, the
/// benchmark's subscribers and the tests.
///
/// Feed it the body bytes as they arrive, in chunks of any size; it returns each event once its closing blank
/// line has arrived. Handles LF, CRLF and CR line ends, comments, multi-line `data`, and a field without a
/// value; ignores `retry` and unknown fields, as the standard says. Lines are found with `memchr` and copied in
/// bulk, so a large event costs about one copy of its data.
public struct ServerSentEventParser: Sendable {
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The start of a line split across chunks.
    private var partialLine: [UInt8] = []
    private var event: String?
    private var id: String?
    private var data: [UInt8] = []
    private var hasData = false
    /// The previous chunk ended in CR: a LF at the start of the next one belongs to it.
    private var lastWasCR = false

    /// The id of the last event dispatched, to send as `Last-Event-ID` when reconnecting.
    public private(set) var lastEventID: String?

    /// A parser at the start of a stream.
    public init() {}

    /// Parses the next chunk of the body.
    ///
    /// - Parameter bytes: the next bytes of the stream.
    /// - Returns: the events completed by this chunk, in order.
    /// - Complexity: O(bytes.count).
    public mutating func parse<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        if let events = bytes.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0)) }) {
            return events
        }
        return Array(bytes).withUnsafeBytes { parse($0) }
    }

    /// Parses the next chunk of the body from raw memory.
    ///
    /// - Parameter bytes: the next bytes of the stream.
    /// - Returns: the events completed by this chunk, in order.
    /// - Complexity: O(bytes.count).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        var start = 0
        while start < bytes.count {
            if lastWasCR {
                lastWasCR = false
                if bytes[start] == Self.lineFeed {
                    start += 1
                    continue
                }
            }
            guard let end = Self.lineEnd(in: bytes, from: start) else {
                partialLine.append(contentsOf: bytes[start...])
                break
            }
            lastWasCR = bytes[end] == Self.carriageReturn
            let completed: ServerSentEvent?
            if partialLine.isEmpty {
                completed = endLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            } else {
                partialLine.append(contentsOf: bytes[start..<end])
                completed = partialLine.withUnsafeBytes { endLine($0) }
                partialLine.removeAll(keepingCapacity: true)
            }
            if let completed { events.append(completed) }
            start = end + 1
        }
        return events
    }

    /// The offset of the first CR or LF at or after `start`, if any.
    private static func lineEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let length = bytes.count - start
        let lineFeed = memchr(base + start, Int32(Self.lineFeed), length).map {
            $0 - UnsafeMutableRawPointer(mutating: base)
        }
        let crLength = (lineFeed ?? bytes.count) - start
        if crLength > 0, let cr = memchr(base + start, Int32(Self.carriageReturn), crLength) {
            return cr - UnsafeMutableRawPointer(mutating: base)
        }
        return lineFeed
    }

    /// Handles one complete line (without its end); returns the event a blank line completes.
    private mutating func endLine(_ line: UnsafeRawBufferPointer) -> ServerSentEvent? {
        if line.isEmpty { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[valueStart...])
        switch String(decoding: line[..<colon], as: UTF8.self) {
        case "event": event = String(decoding: value, as: UTF8.self)
        case "id": id = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(Self.lineFeed) }
            data.append(contentsOf: value)
            hasData = true
        default: break
        }
        return nil
    }

    /// Ends the event at a blank line; an event without data is dropped (its id still counts), per the standard.
    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            event = nil
            data = []
            hasData = false
        }
        if let id { lastEventID = id }
        id = nil
        guard hasData else { return nil }
        var completed = ServerSentEvent(event: event, id: lastEventID, data: [])
        completed.data = data
        return completed
    }
}
