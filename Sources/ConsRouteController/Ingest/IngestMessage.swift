/// One raw telemetry message as consumed from Kafka: where it came from and its bytes.
public struct IngestMessage: Sendable {
    public var partition: Int32
    public var offset: Int64
    public var value: [UInt8]
    /// The `content-type` header, if any (`application/json` selects the JSON mapping).
    public var contentType: String?
    /// The time the event's `time_unix_ms` must lie near (the broker's timestamp, or now); nil: not checked.
    public var referenceTimeMs: Int64?

    public init(
        partition: Int32,
        offset: Int64,
        value: [UInt8],
        contentType: String? = nil,
        referenceTimeMs: Int64? = nil
    ) {
        self.partition = partition
        self.offset = offset
        self.value = value
        self.contentType = contentType
        self.referenceTimeMs = referenceTimeMs
    }
}

/// A rejected message, bound for the dead-letter topic with its original bytes and the reason.
public struct DeadLetter: Sendable {
    public var partition: Int32
    public var offset: Int64
    public var value: [UInt8]
    public var contentType: String?
    /// The rejection; `reason.code` goes in the `consroute-reason` header.
    public var reason: TelemetryRejectionReason

    public init(partition: Int32, offset: Int64, value: [UInt8], contentType: String?, reason: TelemetryRejectionReason)
    {
        self.partition = partition
        self.offset = offset
        self.value = value
        self.contentType = contentType
        self.reason = reason
    }
}

/// A rejection's stable code and its human-readable description.
public struct TelemetryRejectionReason: Sendable, Equatable {
    public var code: String
    public var description: String

    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}
