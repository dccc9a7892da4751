/// What started a table publication, a re-cluster or an optimiser run.
///
/// Stored as two columns: `trigger_kind` (`bootstrap`, `drift`, `schedule`, `operator`) and `trigger_ref` (the
/// drift event id or the operator's note; NULL for a bootstrap or a schedule).
public enum HistoryTrigger: Sendable, Hashable {
    /// A fleet's first table, once enough telemetry arrived.
    case bootstrap
    /// A drift event, by its id in the drift-event history.
    case drift(eventID: String)
    /// The periodic schedule.
    case schedule
    /// An operator request (retune, rollback), with a free-form note such as who asked and why.
    case operatorRequest(note: String)

    var kind: String {
        switch self {
        case .bootstrap: "bootstrap"
        case .drift: "drift"
        case .schedule: "schedule"
        case .operatorRequest: "operator"
        }
    }

    var reference: String? {
        switch self {
        case .drift(let eventID): eventID
        case .bootstrap, .schedule: nil
        case .operatorRequest(let note): note
        }
    }

    init(kind: String, reference: String?, table: String) throws {
        switch (kind, reference) {
        case ("drift", let eventID?): self = .drift(eventID: eventID)
        case ("bootstrap", _): self = .bootstrap
        case ("schedule", _): self = .schedule
        case ("operator", let note): self = .operatorRequest(note: note ?? "")
        default:
            throw HistoryStoreError.unreadableRow(table: table, column: "trigger_kind", value: kind)
        }
    }

    func validate(_ field: String) throws {
        if case .drift(let eventID) = self { try FieldRule.nonEmpty(eventID, "\(field).eventID") }
    }
}
