import Foundation

/// One record of a fleet's history as its rows: a drift event, a re-cluster run, an optimiser run with its trials, a
/// tuning decision or a rollout step, in the form another replica's history inserts (docs/design.md §9).
///
/// The replica that owns a fleet records these; with several replicas it also sends each one on the history topic,
/// and every replica applies what it reads there (``HistoryStore/apply(_:)``), so `consroute history` on any replica
/// shows every fleet's whole history. Applying is idempotent: a record whose key is stored is skipped, so the topic
/// may be read again from its beginning, and the owner reads its own records back without effect.
public struct HistoryChange: Sendable, Hashable {
    /// What the record is, and the history table its main row lives in.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case driftEvent = "drift_event"
        case reclusterRun = "recluster_run"
        case optimiserRun = "optimiser_run"
        case tuningDecision = "tuning_decision"
        case rolloutEvent = "rollout_event"

        /// The history tables a record of this kind writes, parents first.
        var tables: [String] {
            self == .optimiserRun ? [rawValue, "optimiser_trial"] : [rawValue]
        }
    }

    /// One column's value, as SQLite stores it.
    public enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
    }

    /// The record's kind.
    public let kind: Kind
    /// The fleet the record belongs to (the topic's message key).
    public let fleet: String
    /// Per history table of `kind.tables`, its rows as column → value.
    public let rows: [String: [[String: Value]]]

    /// Makes a change from rows; ``HistoryStore/apply(_:)`` checks them against the schema.
    public init(kind: Kind, fleet: String, rows: [String: [[String: Value]]]) {
        self.kind = kind
        self.fleet = fleet
        self.rows = rows
    }

    /// The record as JSON: `{"format":1,"kind":…,"fleet":…,"rows":{table:[{column:value}]}}`, where a value is
    /// JSON null, a number, a string, `{"real":"inf"|"-inf"}` or `{"blob":base64}` (SQLite's column affinity turns a
    /// whole number into a REAL where the column is REAL).
    public func encoded() throws -> [UInt8] {
        Array(try JSONEncoder().encode(Wire(format: Self.format, kind: kind, fleet: fleet, rows: rows)))
    }

    /// Reads a record written by ``encoded()``.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` naming what is wrong.
    public init(decoding bytes: [UInt8]) throws {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw HistoryStoreError.invalidField(field: "history change", reason: "not a history record: \(error)")
        }
        guard wire.format == Self.format else {
            throw HistoryStoreError.invalidField(
                field: "history change format",
                reason: "format \(wire.format) is not \(Self.format) (written by a different consroute version)"
            )
        }
        guard !wire.fleet.isEmpty else {
            throw HistoryStoreError.invalidField(field: "history change fleet", reason: "empty")
        }
        self.init(kind: wire.kind, fleet: wire.fleet, rows: wire.rows)
    }

    static let format = 1

    private struct Wire: Codable {
        var format: Int
        var kind: Kind
        var fleet: String
        var rows: [String: [[String: Value]]]
    }
}

extension HistoryChange.Value: Codable {
    private enum Tag: String, CodingKey {
        case real, blob
    }

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Tag.self) {
            if let text = try keyed.decodeIfPresent(String.self, forKey: .real) {
                switch text {
                case "inf": self = .real(.infinity)
                case "-inf": self = .real(-.infinity)
                default:
                    throw DecodingError.dataCorruptedError(
                        forKey: .real,
                        in: keyed,
                        debugDescription: "a non-finite real is \"inf\" or \"-inf\", not \"\(text)\""
                    )
                }
                return
            }
            if let base64 = try keyed.decodeIfPresent(String.self, forKey: .blob) {
                guard let data = Data(base64Encoded: base64) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .blob,
                        in: keyed,
                        debugDescription: "a blob is base64"
                    )
                }
                self = .blob(Array(data))
                return
            }
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "an object value is real or blob"
                )
            )
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let integer = try? single.decode(Int64.self) {
            self = .integer(integer)
        } else if let real = try? single.decode(Double.self) {
            self = .real(real)
        } else {
            self = .text(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .real(let value) where !value.isFinite:
            var keyed = encoder.container(keyedBy: Tag.self)
            // SQLite stores NaN as NULL, so a stored real is never NaN.
            try keyed.encode(value > 0 ? "inf" : "-inf", forKey: .real)
        case .blob(let bytes):
            var keyed = encoder.container(keyedBy: Tag.self)
            try keyed.encode(Data(bytes).base64EncodedString(), forKey: .blob)
        default:
            var single = encoder.singleValueContainer()
            switch self {
            case .null: try single.encodeNil()
            case .integer(let value): try single.encode(value)
            case .real(let value): try single.encode(value)
            case .text(let value): try single.encode(value)
            case .blob: break
            }
        }
    }
}
