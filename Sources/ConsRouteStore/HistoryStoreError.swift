/// Why a history-store operation failed, with a message an operator can act on.
public enum HistoryStoreError: Error, Equatable, CustomStringConvertible {
    /// A field of a record or effect holds a value the schema does not accept.
    case invalidField(field: String, reason: String)
    /// A table with this fleet and version is already stored.
    case duplicateTableVersion(fleet: String, version: UInt64)
    /// The version is not above the highest version ever stored for the fleet.
    case tableVersionNotIncreasing(fleet: String, version: UInt64, highest: UInt64)
    /// No table with this fleet and version is stored.
    case tableNotFound(fleet: String, version: UInt64)
    /// A drift event, re-cluster run, optimiser run or tuning decision with this id is already stored.
    case duplicateRecordID(kind: String, id: String)
    /// A consumer offset would not move forward, so the batch was most likely applied before.
    case offsetNotAdvanced(group: String, topic: String, partition: Int32, stored: Int64, proposed: Int64)
    /// A stored row holds a value this version cannot read (the file was edited or is newer).
    case unreadableRow(table: String, column: String, value: String)
    /// The database file could not be opened or migrated.
    case openFailed(path: String, reason: String)
    /// SQLite failed while reading or writing (disk full, I/O error, lock held by another process too long).
    case databaseFailure(path: String, reason: String)

    /// A one-line explanation naming what is wrong and what to do.
    public var description: String {
        switch self {
        case .invalidField(let field, let reason):
            return "invalid \(field): \(reason)"
        case .duplicateTableVersion(let fleet, let version):
            return "table version \(version) of fleet '\(fleet)' is already stored; publish a new, higher version"
        case .tableVersionNotIncreasing(let fleet, let version, let highest):
            return "table version \(version) of fleet '\(fleet)' is not above the highest stored version \(highest); "
                + "versions must strictly increase (a rollback publishes a new version with old content)"
        case .tableNotFound(let fleet, let version):
            return "no table version \(version) is stored for fleet '\(fleet)'"
        case .duplicateRecordID(let kind, let id):
            return "a \(kind) with id '\(id)' is already stored; ids must be unique"
        case .offsetNotAdvanced(let group, let topic, let partition, let stored, let proposed):
            return "consumer group '\(group)' topic '\(topic)' partition \(partition): next offset \(proposed) "
                + "is not above the stored \(stored); the batch was probably applied already (seek to the stored "
                + "offsets on start and after a rebalance); nothing of this batch was written"
        case .unreadableRow(let table, let column, let value):
            return "history table '\(table)' column '\(column)' holds '\(value)', which this version cannot read; "
                + "check that the file was written by a compatible consroute"
        case .openFailed(let path, let reason):
            return "cannot open the history database at '\(path)': \(reason)"
        case .databaseFailure(let path, let reason):
            return "the history database at '\(path)' failed: \(reason); check free disk space, file permissions "
                + "and that no other process holds a long write lock"
        }
    }
}
