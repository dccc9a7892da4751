public import NIOCore

/// One server-sent event (the `text/event-stream` format of the HTML standard).
///
/// Data with line feeds travels as several `data:` lines and parses back joined by line feeds; tables are canonical
/// JSON, one line.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field (nil: the default `message` type).
    public var event: String?
    /// The `id:` field, which the client echoes in `Last-Event-ID` when it reconnects.
    public var id: String?
    /// The `data:` field's bytes.
    public var data: [UInt8]

    /// An event.
    ///
    /// - Parameters:
    ///   - event: the event type, or nil for `message`.
    ///   - id: the event id, or nil.
    ///   - data: the payload (without carriage returns, which the format cannot carry).
    public init(event: String? = nil, id: String? = nil, data: [UInt8]) {
        self.event = event
        self.id = id
        self.data = data
    }

    /// The event in wire format: `event:`, `id:` and one `data:` line per line of data, then a blank line.
    ///
    /// - Complexity: O(size of the data).
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + 64)
        if let event { buffer.writeString("event: \(event)\n") }
        if let id { buffer.writeString("id: \(id)\n") }
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            buffer.writeString("data: ")
            buffer.writeBytes(line)
            buffer.writeString("\n")
        }
        buffer.writeString("\n")
        return buffer
    }

    /// A comment line that keeps an idle stream alive through proxies; clients ignore it.
    public static func comment(_ text: String) -> ByteBuffer {
        ByteBuffer(string: ": \(text)\n\n")
    }
}
