import ConsRouteModel
import ConsRouteStore

extension HistoryListing {
    /// One row per stored table: version, status, rollout stage, creation, trigger, the expected ratios against
    /// all-cloud routing (read from the signed envelope), and the devices that applied or rejected it.
    /// - Parameters:
    ///   - records: The tables, newest first.
    ///   - acknowledgements: Acknowledgement counts by fleet and version; a version with none counts zero.
    ///   - limit: The most rows to show.
    /// - Throws: `CommandFailure` naming the fleet and version of a stored envelope that is not a table.
    static func tables(
        _ records: [ThresholdTableRecord],
        acknowledgements: [TableKey: AcknowledgementCounts],
        limit: Int?
    ) throws -> HistoryListing {
        let rows = try records.map { record in
            let table = try envelopeTable(record)
            let acks = acknowledgements[TableKey(fleet: record.fleet, version: record.version)]
            let isCanary = table.rollout.stage == .canary
            return [
                HistoryField("fleet", "fleet", .text(record.fleet)),
                HistoryField("version", "version", .integer(Int64(record.version))),
                HistoryField.jsonOnly("parent_version", .integer(record.parentVersion.map(Int64.init))),
                HistoryField("status", "status", .text(record.status.rawValue)),
                HistoryField("stage", "stage", .text(table.rollout.stage.rawValue)),
                HistoryField(
                    key: "canary_percent",
                    header: "canary%",
                    value: .number(isCanary ? table.rollout.percent : nil)
                ),
                HistoryField("created_at_ms", "created", .time(record.createdAt)),
                HistoryField.jsonOnly("expires_at_ms", .time(record.expiresAt)),
                HistoryField("trigger", "trigger", .text(record.trigger.kind.rawValue)),
                HistoryField.jsonOnly("trigger_ref", .text(record.trigger.detail)),
                HistoryField.jsonOnly("optimiser_run_id", .text(record.optimiserRunID)),
                HistoryField("clusters", "k", .integer(Int64(table.clusters.count))),
                HistoryField("expected_quality_ratio", "exp quality", .number(table.expected.qualityRatio)),
                HistoryField("expected_latency_ratio", "exp latency", .number(table.expected.latencyRatio)),
                HistoryField("expected_cost_ratio", "exp cost", .number(table.expected.costRatio)),
                HistoryField("acks_applied", "applied", .integer(acks?.applied ?? 0)),
                HistoryField("acks_rejected", "rejected", .integer(acks?.rejected ?? 0)),
                HistoryField.jsonOnly("acks_rejected_by_reason", .counts(acks?.rejectedByReason ?? [:])),
            ]
        }
        return HistoryListing(rows: rows, limit: limit, noun: "tables")
    }

    /// A fleet and table version, the key of acknowledgement counts.
    struct TableKey: Hashable {
        /// The fleet.
        var fleet: String
        /// The table version.
        var version: UInt64
    }

    private static func envelopeTable(_ record: ThresholdTableRecord) throws -> ThresholdTable {
        do {
            return try record.signedTable().table
        } catch {
            throw CommandFailure(
                "table version \(record.version) of fleet '\(record.fleet)' has a stored envelope that is not a "
                    + "signed table (\(error)); check that the database was written by a compatible consroute"
            )
        }
    }
}
