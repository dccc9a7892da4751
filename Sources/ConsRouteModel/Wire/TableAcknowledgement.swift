import Foundation
import SwiftProtobuf

/// A router's answer to a table (`consroute.v1.TableAck`): applied, or rejected with a reason.
public struct TableAcknowledgement: Sendable, Equatable {
    public var fleet: String
    public var deviceID: String
    public var version: UInt64
    public var applied: Bool
    /// Empty when applied; otherwise what was wrong (e.g. "fingerprint mismatch: ...").
    public var reason: String
    public var timeUnixMs: Int64

    public init(fleet: String, deviceID: String, version: UInt64, applied: Bool, reason: String, timeUnixMs: Int64) {
        self.fleet = fleet
        self.deviceID = deviceID
        self.version = version
        self.applied = applied
        self.reason = reason
        self.timeUnixMs = timeUnixMs
    }

    /// The protobuf encoding (what routers produce to the acks topic).
    public func protobufBytes() -> [UInt8] {
        var message = Consroute_V1_TableAck()
        message.fleet = fleet
        message.deviceID = deviceID
        message.version = version
        message.applied = applied
        message.reason = reason
        message.timeUnixMs = timeUnixMs
        // Serialising proto3 scalars and strings cannot fail.
        return try! message.serializedBytes()
    }

    /// Decodes an acknowledgement (protobuf, or JSON for `application/json`).
    ///
    /// - Throws: `TelemetryRejection` (`malformed`, `oversize`) naming what is wrong; an empty fleet or a
    ///   version 0 is malformed.
    public init(bytes: [UInt8], format: TelemetryDecoder.Format = .protobuf, maximumBytes: Int = 64 * 1024)
        throws(TelemetryRejection)
    {
        guard bytes.count <= maximumBytes else { throw .oversize(bytes: bytes.count, limit: maximumBytes) }
        let message: Consroute_V1_TableAck
        do {
            message =
                format == .json
                ? try Consroute_V1_TableAck(jsonUTF8Bytes: bytes) : try Consroute_V1_TableAck(serializedBytes: bytes)
        } catch {
            throw .malformed("invalid TableAck: \(error)")
        }
        guard !message.fleet.isEmpty else { throw .malformed("TableAck.fleet is empty") }
        guard message.version > 0 else { throw .malformed("TableAck.version is 0") }
        self.init(
            fleet: message.fleet,
            deviceID: message.deviceID,
            version: message.version,
            applied: message.applied,
            reason: message.reason,
            timeUnixMs: message.timeUnixMs
        )
    }
}
