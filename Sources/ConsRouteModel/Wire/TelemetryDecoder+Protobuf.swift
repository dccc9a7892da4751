extension TelemetryDecoder {
    /// Parses the protobuf wire format of `QueryEvent` in one pass. Unknown fields are skipped; for a
    /// scalar that appears twice the last value wins and repeated fields concatenate, as protobuf
    /// specifies; a known field with the wrong wire type is malformed.
    static func parseProtobuf(_ bytes: UnsafeRawBufferPointer) throws(TelemetryRejection) -> TelemetryEvent {
        var reader = ProtobufReader(bytes)
        var eventIDBytes: UnsafeRawBufferPointer?
        var fleet = ""
        var deviceID = ""
        var sessionID = ""
        var timeUnixMs: Int64 = 0
        var tableVersion: UInt64 = 0
        var cluster: UInt32 = 0
        var representation: [Float] = []
        var pDevice: Float = 0
        var pEdge: Float = 0
        var tierValue = 0
        var latencyMs: Float = 0
        var cost: Float = 0
        var promptTokens: UInt32 = 0
        var completionTokens: UInt32 = 0
        var turn: UInt32 = 0
        var contextTokens: UInt32 = 0
        var previousTierValue = 0
        var shadow: ShadowArrays?

        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1:
                try ProtobufReader.expect(wireType, 2, "event_id")
                eventIDBytes = try reader.readLengthDelimited()
            case 2:
                try ProtobufReader.expect(wireType, 2, "fleet")
                fleet = try reader.readString(field: "fleet")
            case 3:
                try ProtobufReader.expect(wireType, 2, "device_id")
                deviceID = try reader.readString(field: "device_id")
            case 4:
                try ProtobufReader.expect(wireType, 0, "time_unix_ms")
                timeUnixMs = Int64(bitPattern: try reader.readVarint())
            case 5:
                try ProtobufReader.expect(wireType, 0, "table_version")
                tableVersion = try reader.readVarint()
            case 6:
                try ProtobufReader.expect(wireType, 0, "cluster")
                cluster = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 7:
                try reader.appendFloats(to: &representation, wireType: wireType, field: "representation")
            case 8:
                try ProtobufReader.expect(wireType, 5, "p_device")
                pDevice = try reader.readFloat()
            case 9:
                try ProtobufReader.expect(wireType, 5, "p_edge")
                pEdge = try reader.readFloat()
            case 10:
                try ProtobufReader.expect(wireType, 0, "tier")
                tierValue = Int(Int32(truncatingIfNeeded: try reader.readVarint()))
            case 11:
                try ProtobufReader.expect(wireType, 5, "latency_ms")
                latencyMs = try reader.readFloat()
            case 12:
                try ProtobufReader.expect(wireType, 5, "cost")
                cost = try reader.readFloat()
            case 13:
                try ProtobufReader.expect(wireType, 0, "prompt_tokens")
                promptTokens = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 14:
                try ProtobufReader.expect(wireType, 0, "completion_tokens")
                completionTokens = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 15:
                try ProtobufReader.expect(wireType, 2, "session_id")
                sessionID = try reader.readString(field: "session_id")
            case 16:
                try ProtobufReader.expect(wireType, 0, "turn")
                turn = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 17:
                try ProtobufReader.expect(wireType, 0, "context_tokens")
                contextTokens = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 18:
                try ProtobufReader.expect(wireType, 0, "previous_tier")
                previousTierValue = Int(Int32(truncatingIfNeeded: try reader.readVarint()))
            case 19:
                try ProtobufReader.expect(wireType, 2, "shadow")
                var arrays = shadow ?? ShadowArrays()
                try arrays.merge(try reader.readLengthDelimited())
                shadow = arrays
            default:
                try reader.skip(wireType: wireType)
            }
        }

        let idLength = eventIDBytes?.count ?? 0
        guard let eventIDBytes, let eventID = EventID(bytes: eventIDBytes) else { throw .badEventID(length: idLength) }
        guard tierValue != 0 else { throw .tierUnset }
        guard let tier = Tier(wireValue: tierValue) else { throw .unknownTier(field: "tier", value: tierValue) }
        var previousTier: Tier?
        if previousTierValue != 0 {
            guard let known = Tier(wireValue: previousTierValue) else {
                throw .unknownTier(field: "previous_tier", value: previousTierValue)
            }
            previousTier = known
        }
        return TelemetryEvent(
            eventID: eventID,
            fleet: fleet,
            deviceID: deviceID,
            timeUnixMs: timeUnixMs,
            tableVersion: tableVersion,
            cluster: cluster,
            representation: representation,
            pDevice: pDevice,
            pEdge: pEdge,
            tier: tier,
            latencyMs: latencyMs,
            cost: cost,
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            sessionID: sessionID,
            turn: turn,
            contextTokens: contextTokens,
            previousTier: previousTier,
            shadow: try shadow?.outcome()
        )
    }
}

/// The three repeated fields of `Shadow` while parsing (a shadow field may occur more than once: merged).
struct ShadowArrays {
    var score: [Float] = []
    var latencyMs: [Float] = []
    var cost: [Float] = []

    mutating func merge(_ bytes: UnsafeRawBufferPointer) throws(TelemetryRejection) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: try reader.appendFloats(to: &score, wireType: wireType, field: "shadow.score")
            case 2: try reader.appendFloats(to: &latencyMs, wireType: wireType, field: "shadow.latency_ms")
            case 3: try reader.appendFloats(to: &cost, wireType: wireType, field: "shadow.cost")
            default: try reader.skip(wireType: wireType)
            }
        }
    }

    func outcome() throws(TelemetryRejection) -> ShadowOutcome {
        guard score.count == 3 else { throw .shadowLength(field: "score", count: score.count) }
        guard latencyMs.count == 3 else { throw .shadowLength(field: "latency_ms", count: latencyMs.count) }
        guard cost.count == 3 else { throw .shadowLength(field: "cost", count: cost.count) }
        return ShadowOutcome(
            score: TierValues(device: score[0], edge: score[1], cloud: score[2]),
            latencyMs: TierValues(device: latencyMs[0], edge: latencyMs[1], cloud: latencyMs[2]),
            cost: TierValues(device: cost[0], edge: cost[1], cloud: cost[2])
        )
    }
}
