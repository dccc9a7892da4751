import Foundation
import GRDB

/// A rejected telemetry message waiting in the outbox for the dead-letter topic: its original bytes, where
/// it came from, and why it was rejected.
public struct DeadLetterRecord: Sendable, Hashable {
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    /// The stable rejection code (`malformed`, `wrong_dimension`, ...).
    public var reasonCode: String
    /// The rejection in words.
    public var reason: String
    /// The original `content-type` header, if any.
    public var contentType: String?
    /// The original message bytes.
    public var value: [UInt8]
    /// When it was rejected, unix ms.
    public var recordedAt: Int64

    public init(
        sourceTopic: String,
        sourcePartition: Int32,
        sourceOffset: Int64,
        reasonCode: String,
        reason: String,
        contentType: String?,
        value: [UInt8],
        recordedAt: Int64
    ) {
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.reasonCode = reasonCode
        self.reason = reason
        self.contentType = contentType
        self.value = value
        self.recordedAt = recordedAt
    }
}

/// An outbox entry: the record and its sequence number (strictly increasing in the order `apply` wrote them).
public struct PendingDeadLetter: Sendable, Hashable {
    public var sequence: Int64
    public var record: DeadLetterRecord

    public init(sequence: Int64, record: DeadLetterRecord) {
        self.sequence = sequence
        self.record = record
    }
}

extension DeadLetterRecord {
    static let insertSQL = """
        INSERT INTO dead_letter_outbox (source_topic, source_partition, source_offset, reason_code, reason,
            content_type, value, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        self.init(
            sourceTopic: try row.decode(forColumn: "source_topic"),
            sourcePartition: try row.decode(forColumn: "source_partition"),
            sourceOffset: try row.decode(forColumn: "source_offset"),
            reasonCode: try row.decode(forColumn: "reason_code"),
            reason: try row.decode(forColumn: "reason"),
            contentType: try row.decode(forColumn: "content_type"),
            value: Array(try row.decode(forColumn: "value") as Data),
            recordedAt: try row.decode(forColumn: "recorded_at")
        )
    }

    func validatedArguments(_ field: String) throws -> StatementArguments {
        try FieldRule.nonEmpty(sourceTopic, "\(field).sourceTopic")
        try FieldRule.nonNegative(Int64(sourcePartition), "\(field).sourcePartition")
        try FieldRule.nonNegative(sourceOffset, "\(field).sourceOffset")
        try FieldRule.nonEmpty(reasonCode, "\(field).reasonCode")
        return [
            sourceTopic, sourcePartition, sourceOffset, reasonCode, reason, contentType, Data(value), recordedAt,
        ]
    }
}
