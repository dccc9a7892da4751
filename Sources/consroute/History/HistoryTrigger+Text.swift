import ConsRouteStore

extension HistoryTrigger {
    /// The trigger's kind as stored and shown: `bootstrap`, `drift`, `schedule` or `operator`.
    var kindName: String {
        switch self {
        case .bootstrap: "bootstrap"
        case .drift: "drift"
        case .schedule: "schedule"
        case .operatorRequest: "operator"
        }
    }

    /// The drift event id or the operator's note; nil for a bootstrap or a schedule.
    var detail: String? {
        switch self {
        case .drift(let eventID): eventID
        case .bootstrap, .schedule: nil
        case .operatorRequest(let note): note.isEmpty ? nil : note
        }
    }
}
