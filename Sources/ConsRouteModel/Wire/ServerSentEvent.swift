/// One server-sent event (the `text/event-stream` format of the HTML standard).
///
/// Data with line feeds travels as several `data:` lines and parses back joined by line feeds; tables are canonical
/// JSON, one line. The wire format of the table stream: the server encodes it, the client parses it
/// (``ServerSentEventParser``), and neither needs the other's module.
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
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 64)
        if let event { bytes += Array("event: \(event)\n".utf8) }
        if let id { bytes += Array("id: \(id)\n".utf8) }
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            bytes += Array("data: ".utf8)
            bytes += line
            bytes.append(UInt8(ascii: "\n"))
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// A comment line that keeps an idle stream alive through proxies; clients ignore it.
    public static func comment(_ text: String) -> [UInt8] {
        Array(": \(text)\n\n".utf8)
    }
}
