/// How a subscription receives tables.
public enum TableTransport: String, Sendable, CaseIterable {
    /// Server-sent events: one connection, tables pushed as they are published.
    case sse
    /// Long-poll: one request at a time, parked by the server until a newer table or its `wait` ends.
    case longPoll = "longpoll"
}
