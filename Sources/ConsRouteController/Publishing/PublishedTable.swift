package import ConsRouteModel
package import NIOCore

/// A signed table as the cache holds it, with its encodings made once at publish time.
///
/// A fan-out to thousands of subscribers must not pay a per-subscriber copy, so the envelope, its server-sent-event
/// frame and that frame as an HTTP/1.1 chunk are put into NIO buffers once here and shared (a `ByteBuffer` is
/// copy-on-write: writing it to many connections copies nothing).
package struct PublishedTable: Sendable {
    /// The signed table.
    package let signed: SignedTable
    /// The envelope's canonical bytes (`SignedTable.envelopeBytes()`).
    package let envelope: ByteBuffer
    /// The envelope as one `event: table` server-sent event whose `id` is the version (`event`), and that event
    /// framed as an HTTP/1.1 chunk (`chunk`), as the table streams write it.
    package let streamFrame: StreamFrame

    /// Encodes `signed` once.
    ///
    /// - Complexity: O(size of the table).
    package init(_ signed: SignedTable) {
        self.signed = signed
        let bytes = signed.envelopeBytes()
        envelope = ByteBuffer(bytes: bytes)
        let event = ServerSentEvent(event: "table", id: String(signed.table.version), data: bytes)
        streamFrame = StreamFrame(ByteBuffer(bytes: event.encoded()))
    }

    /// The table's fleet.
    package var fleet: String { signed.table.fleet }
    /// The table's version.
    package var version: UInt64 { signed.table.version }
    /// The table's rollout (stage, cohort percent and salt).
    package var rollout: Rollout { signed.table.rollout }
}
