/// Decodes and validates telemetry messages (docs/design.md §4): protobuf `consroute.v1.QueryEvent`, or its
/// proto3 JSON mapping when the message's `content-type` header is `application/json`.
///
/// The protobuf path is a hand-written single pass over the wire format (no intermediate message, one
/// allocation for the representation), checked against SwiftProtobuf's parser by a differential test.
/// Every rejection is a typed `TelemetryRejection`; decoding never traps on any input.
public struct TelemetryDecoder: Sendable {
    /// The encoding of a message.
    public enum Format: Sendable, Equatable {
        case protobuf
        case json

        /// The format a Kafka `content-type` header names: JSON for `application/json` (parameters
        /// allowed), protobuf otherwise and when absent.
        public init(contentType: String?) {
            guard let contentType else {
                self = .protobuf
                return
            }
            let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            self = mediaType.trimmingSpaces().lowercased() == "application/json" ? .json : .protobuf
        }
    }

    /// Representation dimension per known fleet.
    public let fleets: [String: Int]
    /// The largest message accepted, in bytes.
    public let maximumMessageBytes: Int
    /// Bounds on event time, latency, cost and cluster id.
    public let limits: TelemetryLimits

    /// - Parameters:
    ///   - fleets: the configured fleets and their representation dimension.
    ///   - maximumMessageBytes: larger messages are rejected as `oversize` (docs/design.md §4: 64 KiB).
    ///   - limits: bounds on event time (checked when a reference time is given), latency, cost and cluster id.
    public init(
        fleets: [String: Int],
        maximumMessageBytes: Int = 64 * 1024,
        limits: TelemetryLimits = TelemetryLimits()
    ) {
        self.fleets = fleets
        self.maximumMessageBytes = maximumMessageBytes
        self.limits = limits
    }

    /// Decodes and validates one message.
    ///
    /// - Parameters:
    ///   - referenceTimeMs: the broker's timestamp of the message (or now): the event time must lie within
    ///     `limits.eventTimeWindowMs` of it. Nil skips the time check (offline files, tests).
    /// - Complexity: O(n) in the message size.
    public func decode(
        _ bytes: UnsafeRawBufferPointer,
        format: Format = .protobuf,
        referenceTimeMs: Int64? = nil
    ) -> Result<TelemetryEvent, TelemetryRejection> {
        guard bytes.count <= maximumMessageBytes else {
            return .failure(.oversize(bytes: bytes.count, limit: maximumMessageBytes))
        }
        do {
            let event = try format == .json ? Self.parseJSON(bytes) : Self.parseProtobuf(bytes)
            try validate(event)
            if let referenceTimeMs, !limits.isTimeAcceptable(event.timeUnixMs, reference: referenceTimeMs) {
                return .failure(
                    .badTime(
                        timeUnixMs: event.timeUnixMs,
                        referenceMs: referenceTimeMs,
                        windowMs: limits.eventTimeWindowMs
                    )
                )
            }
            return .success(event)
        } catch {
            return .failure(error)
        }
    }

    /// Decodes and validates one message held in an array.
    public func decode(
        _ bytes: [UInt8],
        format: Format = .protobuf,
        referenceTimeMs: Int64? = nil
    ) -> Result<TelemetryEvent, TelemetryRejection> {
        bytes.withUnsafeBytes { decode($0, format: format, referenceTimeMs: referenceTimeMs) }
    }

    /// The checks of docs/design.md §4 that parsing does not already make.
    public func validate(_ event: TelemetryEvent) throws(TelemetryRejection) {
        guard let dimension = fleets[event.fleet] else { throw .unknownFleet(event.fleet) }
        guard event.representation.count == dimension else {
            throw .wrongDimension(fleet: event.fleet, expected: dimension, actual: event.representation.count)
        }
        for value in event.representation where !value.isFinite { throw .nonFinite(field: "representation") }
        try Self.checkScore(event.pDevice, "p_device")
        try Self.checkScore(event.pEdge, "p_edge")
        try checkBounded(event.latencyMs, "latency_ms", limit: limits.maximumLatencyMs)
        try checkBounded(event.cost, "cost", limit: limits.maximumCost)
        guard event.cluster < limits.clusterIDLimit else {
            throw .outOfBounds(field: "cluster", value: Double(event.cluster), limit: Double(limits.clusterIDLimit) - 1)
        }
        if let shadow = event.shadow {
            for tier in Tier.allCases {
                try Self.checkScore(shadow.score[tier], "shadow.score[\(tier)]")
                try checkBounded(shadow.latencyMs[tier], "shadow.latency_ms[\(tier)]", limit: limits.maximumLatencyMs)
                try checkBounded(shadow.cost[tier], "shadow.cost[\(tier)]", limit: limits.maximumCost)
            }
        }
    }

    private func checkBounded(_ value: Float, _ field: String, limit: Float) throws(TelemetryRejection) {
        try Self.checkNonNegative(value, field)
        guard value <= limit else { throw .outOfBounds(field: field, value: Double(value), limit: Double(limit)) }
    }

    private static func checkScore(_ value: Float, _ field: String) throws(TelemetryRejection) {
        guard value.isFinite else { throw .nonFinite(field: field) }
        guard value >= 0, value <= 1 else { throw .scoreOutOfRange(field: field, value: value) }
    }

    private static func checkNonNegative(_ value: Float, _ field: String) throws(TelemetryRejection) {
        guard value.isFinite else { throw .nonFinite(field: field) }
        guard value >= 0 else { throw .negative(field: field, value: value) }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        let text = Substring(self)
        guard let start = text.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let end = text.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return text[start...end]
    }
}
