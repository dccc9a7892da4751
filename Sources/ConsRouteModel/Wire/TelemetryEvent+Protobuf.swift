import Foundation
import SwiftProtobuf

extension TelemetryEvent {
    /// The event as the generated wire message.
    public var wireMessage: Consroute_V1_QueryEvent {
        var message = Consroute_V1_QueryEvent()
        message.eventID = Data(eventID.bytes)
        message.fleet = fleet
        message.deviceID = deviceID
        message.timeUnixMs = timeUnixMs
        message.tableVersion = tableVersion
        message.cluster = cluster
        message.representation = representation
        message.pDevice = pDevice
        message.pEdge = pEdge
        message.tier = Consroute_V1_Tier(rawValue: tier.wireValue) ?? .unspecified
        message.latencyMs = latencyMs
        message.cost = cost
        message.promptTokens = promptTokens
        message.completionTokens = completionTokens
        message.sessionID = sessionID
        message.turn = turn
        message.contextTokens = contextTokens
        message.previousTier = previousTier.flatMap { Consroute_V1_Tier(rawValue: $0.wireValue) } ?? .unspecified
        if let shadow {
            var wire = Consroute_V1_Shadow()
            wire.score = shadow.score.array
            wire.latencyMs = shadow.latencyMs.array
            wire.cost = shadow.cost.array
            message.shadow = wire
        }
        return message
    }

    /// The protobuf encoding (what devices produce to the telemetry topic).
    public func protobufBytes() -> [UInt8] {
        // Serialising a message with only proto3 scalar, string, bytes and message fields cannot fail.
        try! wireMessage.serializedBytes()
    }

    /// The proto3 JSON mapping (`eventId` base64, `timeUnixMs` as a string, `tier: "TIER_EDGE"`).
    public func jsonString() -> String {
        // JSON encoding fails only for non-finite floats in non-float fields, which this message has none of.
        try! wireMessage.jsonString()
    }
}

extension TelemetryDecoder {
    /// Parses the proto3 JSON mapping with SwiftProtobuf (strict: unknown field names are malformed), then
    /// applies the same checks as the protobuf path.
    static func parseJSON(_ bytes: UnsafeRawBufferPointer) throws(TelemetryRejection) -> TelemetryEvent {
        let message: Consroute_V1_QueryEvent
        do {
            message = try Consroute_V1_QueryEvent(jsonUTF8Bytes: Data(bytes))
        } catch {
            throw .malformed("invalid JSON QueryEvent: \(error)")
        }
        return try event(from: message)
    }

    /// Converts a generated message to a (not yet validated) event, rejecting what cannot be represented.
    static func event(from message: Consroute_V1_QueryEvent) throws(TelemetryRejection) -> TelemetryEvent {
        guard let eventID = EventID(bytes: message.eventID) else { throw .badEventID(length: message.eventID.count) }
        guard message.tier.rawValue != 0 else { throw .tierUnset }
        guard let tier = Tier(wireValue: message.tier.rawValue) else {
            throw .unknownTier(field: "tier", value: message.tier.rawValue)
        }
        var previousTier: Tier?
        if message.previousTier.rawValue != 0 {
            guard let known = Tier(wireValue: message.previousTier.rawValue) else {
                throw .unknownTier(field: "previous_tier", value: message.previousTier.rawValue)
            }
            previousTier = known
        }
        var shadow: ShadowOutcome?
        if message.hasShadow {
            shadow = try ShadowArrays(
                score: message.shadow.score,
                latencyMs: message.shadow.latencyMs,
                cost: message.shadow.cost
            ).outcome()
        }
        return TelemetryEvent(
            eventID: eventID,
            fleet: message.fleet,
            deviceID: message.deviceID,
            timeUnixMs: message.timeUnixMs,
            tableVersion: message.tableVersion,
            cluster: message.cluster,
            representation: message.representation,
            pDevice: message.pDevice,
            pEdge: message.pEdge,
            tier: tier,
            latencyMs: message.latencyMs,
            cost: message.cost,
            promptTokens: message.promptTokens,
            completionTokens: message.completionTokens,
            sessionID: message.sessionID,
            turn: message.turn,
            contextTokens: message.contextTokens,
            previousTier: previousTier,
            shadow: shadow
        )
    }
}
