/// One raw telemetry message as consumed from Kafka: where it came from and its bytes.
package struct IngestMessage: Sendable {
    package var partition: Int32
    package var offset: Int64
    package var value: [UInt8]
    /// The `content-type` header, if any (`application/json` selects the JSON mapping).
    package var contentType: String?
    /// The time the event's `time_unix_ms` must lie near (the broker's timestamp, or now); nil: not checked.
    package var referenceTimeMs: Int64?

    package init(
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
package struct DeadLetter: Sendable {
    package var partition: Int32
    package var offset: Int64
    package var value: [UInt8]
    package var contentType: String?
    /// The rejection; `reason.code` goes in the `consroute-reason` header.
    package var reason: TelemetryRejectionReason

    package init(
        partition: Int32,
        offset: Int64,
        value: [UInt8],
        contentType: String?,
        reason: TelemetryRejectionReason
    ) {
        self.partition = partition
        self.offset = offset
        self.value = value
        self.contentType = contentType
        self.reason = reason
    }
}

/// A rejection's stable code and its human-readable description.
package struct TelemetryRejectionReason: Sendable, Equatable {
    package var code: String
    package var description: String

    package init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}
