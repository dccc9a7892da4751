/// Settings of a `TableClient`.
public struct TableClientConfiguration: Sendable, Equatable {
    /// How long connecting may take (default 5 s).
    public var connectTimeout: Duration
    /// How long a request may take, on top of a long-poll's `wait` (default 10 s).
    public var requestTimeout: Duration
    /// The largest response body accepted, in bytes (default 16 MiB; a table of 256 clusters at d = 1024 is
    /// about 2.5 MiB).
    public var maximumResponseBytes: Int
    /// A server-sent-event stream silent this long is taken for dead and reconnected (default 45 s: three of the
    /// server's default 15 s heartbeats).
    public var streamIdleTimeout: Duration
    /// The delays between reconnections of a server-sent-event stream or a long-poll subscription.
    public var backoff: ReconnectBackoff

    /// Settings with the documented defaults.
    ///
    /// - Parameters:
    ///   - connectTimeout: the connect timeout.
    ///   - requestTimeout: the request timeout (beyond a long-poll's wait).
    ///   - maximumResponseBytes: the response size limit.
    ///   - streamIdleTimeout: the silence after which a stream is reconnected.
    ///   - backoff: the reconnection delays.
    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10),
        maximumResponseBytes: Int = 16 * 1024 * 1024,
        streamIdleTimeout: Duration = .seconds(45),
        backoff: ReconnectBackoff = ReconnectBackoff()
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.streamIdleTimeout = streamIdleTimeout
        self.backoff = backoff
    }
}
