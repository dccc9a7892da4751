public import ConsRouteModel

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

    /// The trigger's kind (its raw value is the `trigger_kind` column).
    public var kind: TriggerKind {
        switch self {
        case .bootstrap: .bootstrap
        case .drift: .drift
        case .schedule: .schedule
        case .operatorRequest: .operatorRequest
        }
    }

    var reference: String? {
        switch self {
        case .drift(let eventID): eventID
        case .bootstrap, .schedule: nil
        case .operatorRequest(let note): note
        }
    }

    init(kind text: String, reference: String?, table: String) throws {
        switch (TriggerKind(rawValue: text), reference) {
        case (.drift, let eventID?): self = .drift(eventID: eventID)
        case (.bootstrap, _): self = .bootstrap
        case (.schedule, _): self = .schedule
        case (.operatorRequest, let note): self = .operatorRequest(note: note ?? "")
        case (.drift, nil), (nil, _):
            throw HistoryStoreError.unreadableRow(table: table, column: "trigger_kind", value: text)
        }
    }

    func validate(_ field: String) throws {
        if case .drift(let eventID) = self { try FieldRule.nonEmpty(eventID, "\(field).eventID") }
    }
}
